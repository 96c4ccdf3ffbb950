import type { PaymentsApi } from '../payments/api.js'
import type { TillEvent } from '../payments/types.js'
import type { EventFrame } from '../protocol/index.js'

/** What an EventStream writes to: one till connection. */
export interface EventSink {
  /**
   * `sent`: written. `congested`: written, but the connection's buffer is high; `onFlushed`
   * runs once it has drained. `closed`: not written.
   */
  send(frame: EventFrame, onFlushed: () => void): 'sent' | 'congested' | 'closed'
}

const BATCH = 100

/**
 * One connection's view of its till's mailbox. It remembers the highest seq it has written and
 * only ever writes the next one, so events reach a connection in seq order and never twice,
 * however live notifications and mailbox reads interleave. A gap (a live event that overtook
 * older ones) is filled from the mailbox. While the connection's buffer is high it stops reading
 * the mailbox and resumes when the buffer drains, so a large backlog never sits in memory.
 */
export class EventStream {
  readonly #payments: PaymentsApi
  readonly #tillId: string
  readonly #sink: EventSink
  #cursor: number
  #paused = false
  #pumping = false

  constructor(payments: PaymentsApi, tillId: string, afterSeq: number, sink: EventSink) {
    this.#payments = payments
    this.#tillId = tillId
    this.#cursor = afterSeq
    this.#sink = sink
  }

  /** The highest seq written to this connection. */
  get cursor(): number {
    return this.#cursor
  }

  /** A live event, just committed. */
  offer(event: TillEvent): void {
    if (event.seq <= this.#cursor || this.#paused) return
    if (event.seq === this.#cursor + 1 && !this.#pumping) this.#emit(event)
    else this.pump()
  }

  /** Writes every mailbox event after the cursor, until done, paused or closed. */
  pump(): void {
    if (this.#paused || this.#pumping) return
    this.#pumping = true
    try {
      for (;;) {
        const events = this.#payments.eventsAfter(this.#tillId, this.#cursor, BATCH)
        for (const event of events) {
          if (event.seq <= this.#cursor) continue
          if (!this.#emit(event)) return
        }
        if (events.length < BATCH) return
      }
    } finally {
      this.#pumping = false
    }
  }

  /** False when writing must stop (paused or closed). */
  #emit(event: TillEvent): boolean {
    const outcome = this.#sink.send({ type: 'event', seq: event.seq, payment: event.payment }, () => {
      this.#paused = false
      this.pump()
    })
    if (outcome === 'closed') return false
    this.#cursor = event.seq
    if (outcome === 'congested') {
      this.#paused = true
      return false
    }
    return true
  }
}
