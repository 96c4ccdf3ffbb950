export interface BackoffOptions {
  /** First delay ceiling. @defaultValue 250 */
  minDelayMs?: number
  /** Largest delay. @defaultValue 10000 */
  maxDelayMs?: number
}

/**
 * Delay before reconnect attempt `attempt` (0-based): "full jitter" exponential backoff, a random
 * delay up to min(max, min·2^attempt). When a daemon restarts, its tills come back spread out
 * instead of all in the same millisecond.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const min = options.minDelayMs ?? 250
  const max = options.maxDelayMs ?? 10_000
  const ceiling = Math.min(max, min * 2 ** Math.min(attempt, 30))
  return Math.round(min / 2 + random() * (ceiling - min / 2))
}
