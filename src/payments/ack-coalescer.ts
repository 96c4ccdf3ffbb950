import type { Logger } from '../log/logger.js'
import type { Clock, TimerHandle } from '../shared/clock.js'
import type { PaymentLedger } from './ledger.js'
import type { WriteBatcher } from './write-batcher.js'

/** How long an ack may wait to share a COMMIT with the acks after it. */
export const ACK_DELAY_MS = 250

/**
 * Tills ack every event, and each ack used to be a write transaction of its own: an fsync that
 * blocks the event loop while a sale waits behind it. A lost ack only means the till gets those
 * events once more, so acks need no COMMIT of their own: the highest seq per till is kept here and
 * stored for all tills in one unit of work at most ACK_DELAY_MS later, and on stop.
 */
export class AckCoalescer {
  readonly #ledger: PaymentLedger
  readonly #writer: WriteBatcher
  readonly #clock: Clock
  readonly #log: Logger
  readonly #pending = new Map<string, number>()
  #timer: TimerHandle | undefined

  constructor(ledger: PaymentLedger, writer: WriteBatcher, clock: Clock, log: Logger) {
    this.#ledger = ledger
    this.#writer = writer
    this.#clock = clock
    this.#log = log
  }

  ack(tillId: string, seq: number): void {
    if (seq <= (this.#pending.get(tillId) ?? -1)) return
    this.#pending.set(tillId, seq)
    if (!this.#timer) this.#timer = this.#clock.setTimeout(() => void this.flush(), ACK_DELAY_MS)
  }

  /** Stores every ack taken so far (the engine calls it on stop, before draining the writer). */
  flush(): Promise<void> {
    if (this.#timer) this.#clock.clearTimeout(this.#timer)
    this.#timer = undefined
    if (this.#pending.size === 0) return Promise.resolve()
    const acks = [...this.#pending]
    this.#pending.clear()
    return this.#writer
      .run(() => {
        for (const [tillId, seq] of acks) this.#ledger.mailbox.ack(tillId, seq)
      })
      .catch((err: unknown) => {
        this.#log.warn('acks not stored', { tills: acks.length, err })
      })
  }
}
