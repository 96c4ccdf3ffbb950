/**
 * Waiting between attempts. Every daemon in a chain backs off from the same outage at the same
 * moment, so delays are jittered; half of each delay is fixed so a retry never collapses to zero.
 */

export interface BackoffPolicy {
  /** The first delay, before jitter. */
  minDelayMs: number
  /** No delay grows beyond this. */
  maxDelayMs: number
}

/** Delay before retry number `retry` (1 = the first retry): exponential, "equal jitter". */
export function backoffDelay(retry: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** Math.max(0, retry - 1))
  return Math.round(exponential / 2 + (random() * exponential) / 2)
}

/**
 * `Retry-After` in ms: delta-seconds or an HTTP date (compared with the wall clock, the only
 * clock a date can be compared with). Undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, nowWallMs: number): number | undefined {
  if (!value) return undefined
  const text = value.trim()
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000)
  const at = Date.parse(text)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - nowWallMs)
}
