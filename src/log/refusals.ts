import type { Clock } from '../shared/clock.js'
import type { Logger } from './logger.js'

/** Counts one refusal in the metrics: which listener (gateway, admin) and why. */
export type RefusalCounter = (listener: string, reason: string) => void

export interface RefusalsOptions {
  listener: 'gateway' | 'admin'
  log: Logger
  clock: Clock
  count?: RefusalCounter
  /** At most one log line per reason in this window; the rest are counted in the next line. */
  intervalMs?: number
}

const DEFAULT_INTERVAL_MS = 10_000

/**
 * Every refusal (a cap reached, a failed token, a timeout) is counted in a metric and logged,
 * but at most one line per reason per interval: an attacker guessing tokens must not be able
 * to fill the disk through the log (the line after the quiet spell says how many were skipped).
 */
export class Refusals {
  readonly #o: RefusalsOptions
  readonly #last = new Map<string, { at: number; skipped: number }>()

  constructor(options: RefusalsOptions) {
    this.#o = options
  }

  /** `message` defaults to one per listener; `reason` is the metric label and the throttle key. */
  refuse(reason: string, facts: Record<string, unknown> = {}, message?: string): void {
    const { listener, log, clock, count } = this.#o
    count?.(listener, reason)
    const now = clock.monotonic()
    const last = this.#last.get(reason)
    if (last && now - last.at < (this.#o.intervalMs ?? DEFAULT_INTERVAL_MS)) {
      last.skipped += 1
      return
    }
    const skipped = last?.skipped ? { skippedSinceLastLine: last.skipped } : {}
    log.warn(message ?? `${listener} refused a connection or frame`, { reason, ...facts, ...skipped })
    this.#last.set(reason, { at: now, skipped: 0 })
  }
}
