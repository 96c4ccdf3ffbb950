import type { Clock } from '../shared/clock.js'

/**
 * A token bucket: `ratePerSecond` requests on average, bursts up to `burst`. Measured on the
 * monotonic clock, so a wall-clock step neither floods nor starves a till.
 */
export class TokenBucket {
  readonly #rate: number
  readonly #burst: number
  readonly #clock: Clock
  #tokens: number
  #at: number | undefined

  constructor(ratePerSecond: number, burst: number, clock: Clock) {
    this.#rate = ratePerSecond
    this.#burst = burst
    this.#clock = clock
    this.#tokens = burst
  }

  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    const now = this.#clock.monotonic()
    if (this.#at !== undefined) {
      this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#at) / 1000) * this.#rate)
    }
    this.#at = now
    if (this.#tokens < 1) return false
    this.#tokens -= 1
    return true
  }
}
