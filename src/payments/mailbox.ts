import type { Db } from '../store/db.js'
import type { PaymentView, TillEvent } from './types.js'

function prepare(db: Db) {
  return {
    // The counter row survives pruning, so seq never goes back, even when every event is gone.
    next: db.prepare<[string], { seq: number }>(`INSERT INTO till_mailboxes (till_id, last_seq) VALUES (?, 1)
      ON CONFLICT (till_id) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq AS seq`),
    insert: db.prepare<[string, number, number, string, number]>(
      'INSERT INTO till_events (till_id, seq, payment_id, payment, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    after: db.prepare<[string, number, number], { seq: number; payment: string }>(
      'SELECT seq, payment FROM till_events WHERE till_id = ? AND seq > ? ORDER BY seq LIMIT ?',
    ),
    lastSeq: db.prepare<[string], { seq: number }>('SELECT last_seq AS seq FROM till_mailboxes WHERE till_id = ?'),
    ack: db.prepare<[number, string]>(
      'UPDATE till_mailboxes SET acked_seq = MAX(acked_seq, MIN(?, last_seq)) WHERE till_id = ?',
    ),
    expire: db.prepare<[number]>('DELETE FROM till_events WHERE created_at < ?'),
    prune: db.prepare<[string, string]>(
      'DELETE FROM till_events WHERE till_id = ? AND seq <= (SELECT acked_seq FROM till_mailboxes WHERE till_id = ?)',
    ),
  }
}

/**
 * Each till's durable event queue (the outbox). An event is appended in the same transaction as
 * the change it reports; per till, seq rises by exactly 1, across restarts and pruning. Events stay
 * until the till acks them, so a till that was away gets them again.
 */
export class Mailbox {
  readonly #q: ReturnType<typeof prepare>

  constructor(db: Db) {
    this.#q = prepare(db)
  }

  /** Call inside a write transaction. */
  append(tillId: string, paymentId: number, payment: PaymentView, now: number): TillEvent {
    const seq = this.#q.next.get(tillId)?.seq
    if (seq === undefined) throw new Error('mailbox counter did not return a seq')
    this.#q.insert.run(tillId, seq, paymentId, JSON.stringify(payment), now)
    return { seq, payment }
  }

  after(tillId: string, afterSeq: number, limit: number): TillEvent[] {
    return this.#q.after
      .all(tillId, afterSeq, limit)
      .map((row) => ({ seq: row.seq, payment: JSON.parse(row.payment) as PaymentView }))
  }

  lastSeq(tillId: string): number {
    return this.#q.lastSeq.get(tillId)?.seq ?? 0
  }

  /**
   * Call inside a write transaction: drops events created before `before` that were never acked,
   * so a till that never acks cannot grow the journal without bound. Returns how many went.
   */
  expire(before: number): number {
    return this.#q.expire.run(before).changes
  }

  /** Call inside a write transaction: forgets every event up to seq (never beyond the last one given). */
  ack(tillId: string, seq: number): void {
    this.#q.ack.run(seq, tillId)
    this.#q.prune.run(tillId, tillId)
  }
}
