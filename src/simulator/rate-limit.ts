/**
 * Sliding one-minute windows per key, on the simulator clock: the ePayment limits are per
 * reference (5/min for create, capture, cancel and refund; 120/min for each GET).
 */
export class RateLimiter {
  readonly #scale: number
  readonly #windows = new Map<string, number[]>()

  /** `scale` multiplies every limit; 0 turns limiting off. */
  constructor(scale: number) {
    this.#scale = scale
  }

  /**
   * Counts one request under `key` at `now` (ms). Returns undefined when allowed, else the
   * whole seconds until a slot frees (for Retry-After).
   */
  take(key: string, perMinute: number, now: number): number | undefined {
    if (this.#scale <= 0) return undefined
    if (this.#windows.size > MAX_KEYS) this.#prune(now)
    const limit = Math.max(1, Math.floor(perMinute * this.#scale))
    const since = now - 60_000
    const hits = (this.#windows.get(key) ?? []).filter((t) => t > since)
    if (hits.length >= limit) {
      this.#windows.set(key, hits)
      const oldest = hits[0] ?? now
      return Math.max(1, Math.ceil((oldest + 60_000 - now) / 1000))
    }
    hits.push(now)
    this.#windows.set(key, hits)
    return undefined
  }

  #prune(now: number): void {
    for (const [key, hits] of this.#windows) if ((hits[hits.length - 1] ?? 0) <= now - 60_000) this.#windows.delete(key)
  }
}

/** Past this many references, windows older than a minute are dropped (memory stays bounded). */
const MAX_KEYS = 10_000

export const RATE_LIMITS = { modify: 5, read: 120 } as const
