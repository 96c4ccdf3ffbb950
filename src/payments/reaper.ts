import { type ScheduledTask, schedule } from 'node-cron'
import type { Logger } from '../log/logger.js'
import type { Component } from '../shared/lifecycle.js'
import type { PaymentsEngine } from './engine.js'

export interface ReaperOptions {
  retentionDays: number
  /** Events a till has not acked after this many days are dropped (payments.unackedEventRetentionDays). */
  unackedEventRetentionDays: number
  /** node-cron expression (wall clock), e.g. "17 3 * * *". */
  pruneCron: string
}

const DAY = 86_400_000
/** Idempotency keys (the till's and ours) are kept at least this long, whatever the retention. */
export const KEY_FLOOR_MS = 72 * 3_600_000
/** Rows deleted per transaction, so pruning never holds the writer for long. */
const CHUNK = 500

/**
 * Prunes final payments (with their operations and timeline) once they are older than the
 * retention, never one younger than 72 h, never one with an operation still open. Acked events
 * are already gone (ack prunes them); events never acked go after unackedEventRetentionDays, so a
 * till that never acks cannot fill the disk. The per-till seq counter is never pruned. Runs on node-cron
 * with noOverlap: a wall-clock job, not a timer.
 */
export class Reaper implements Component {
  readonly name = 'payments-reaper'
  readonly #engine: PaymentsEngine
  readonly #options: ReaperOptions
  readonly #log: Logger
  #task: ScheduledTask | undefined
  #eventsExpired = 0

  constructor(engine: PaymentsEngine, options: ReaperOptions, log: Logger) {
    this.#engine = engine
    this.#options = options
    this.#log = log
  }

  async start(): Promise<void> {
    this.#task = schedule(
      this.#options.pruneCron,
      async () => {
        try {
          await this.prune()
        } catch (err) {
          this.#log.error('pruning payments failed', { err })
        }
      },
      { name: 'prune-payments', noOverlap: true },
    )
  }

  async stop(): Promise<void> {
    await this.#task?.destroy()
    this.#task = undefined
  }

  /** Unacked events dropped for age since start (tillbridge_events_expired_total). */
  get eventsExpired(): number {
    return this.#eventsExpired
  }

  /** Deletes what may go; returns how many payments were pruned. */
  async prune(): Promise<number> {
    const { ledger, writer } = this.#engine.core
    const expired = await writer.run((tx) =>
      ledger.mailbox.expire(tx.now - this.#options.unackedEventRetentionDays * DAY),
    )
    if (expired > 0) {
      this.#eventsExpired += expired
      const days = this.#options.unackedEventRetentionDays
      this.#log.warn('dropped till events never acked', { count: expired, unackedEventRetentionDays: days })
    }
    let total = 0
    for (;;) {
      const n = await writer.run((tx) => {
        const before = Math.min(tx.now - this.#options.retentionDays * DAY, tx.now - KEY_FLOOR_MS)
        return ledger.repo.pruneFinal(before, CHUNK)
      })
      total += n
      if (n < CHUNK) break
    }
    if (total > 0) this.#log.info('pruned payments', { count: total, retentionDays: this.#options.retentionDays })
    return total
  }
}
