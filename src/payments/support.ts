import { TillbridgeError } from '../shared/errors.js'
import type { Db } from '../store/db.js'
import { PAYMENT_COLUMNS, PaymentRepo } from './payment-repo.js'
import type { OperationRecord, PaymentRecord } from './records.js'
import { paymentReference } from './references.js'
import { Timeline, type TimelineEntry } from './timeline.js'
import type { PaymentStatus } from './types.js'

/**
 * Read-only queries for support and reconciliation (`tillbridge payments`, `tillbridge
 * reconcile`). They run on their own read-only connection, so they are safe beside the running
 * daemon: WAL readers never block its writer.
 */

export interface PaymentListFilter {
  tillId?: string
  status?: PaymentStatus
  /** Accepted at or after this (epoch ms). */
  since?: number
  limit: number
}

/** A payment with every provider operation tillbridge made for it, and its timeline. */
export interface PaymentDetail {
  payment: PaymentRecord
  operations: OperationRecord[]
  timeline: TimelineEntry[]
}

/** The same columns the repository reads: support sees every field of the record. */
const COLUMNS = PAYMENT_COLUMNS

function prepare(db: Db) {
  return {
    list: db.prepare<
      { tillId: string | null; status: string | null; since: number | null; limit: number },
      PaymentRecord
    >(
      `SELECT ${COLUMNS} FROM payments WHERE (@tillId IS NULL OR till_id = @tillId)
       AND (@status IS NULL OR status = @status) AND (@since IS NULL OR created_at >= @since)
       ORDER BY created_at DESC, id DESC LIMIT @limit`,
    ),
    byKey: db.prepare<[string], PaymentRecord>(`SELECT ${COLUMNS} FROM payments WHERE till_key = ? ORDER BY id`),
    byReference: db.prepare<[string], PaymentRecord>(`SELECT ${COLUMNS} FROM payments WHERE reference = ? ORDER BY id`),
    acceptedBetween: db.prepare<[number, number], PaymentRecord>(
      `SELECT ${COLUMNS} FROM payments WHERE created_at >= ? AND created_at < ? ORDER BY created_at, id`,
    ),
    lastId: db.prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'payments'"),
    installation: db.prepare<[], { value: string }>("SELECT value FROM daemon_meta WHERE key = 'installation_id'"),
  }
}

export class PaymentSupport {
  readonly #q: ReturnType<typeof prepare>
  readonly #repo: PaymentRepo
  readonly #timeline: Timeline

  constructor(db: Db) {
    const migrated = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'payments'").get()
    if (!migrated) {
      throw new TillbridgeError(
        'SCHEMA_MISMATCH',
        `${db.name} has no payments table yet: start the daemon once, or run \`tillbridge migrate\``,
      )
    }
    this.#q = prepare(db)
    this.#repo = new PaymentRepo(db)
    this.#timeline = new Timeline(db)
  }

  /** Newest first. */
  list(filter: PaymentListFilter): PaymentRecord[] {
    return this.#q.list.all({
      tillId: filter.tillId ?? null,
      status: filter.status ?? null,
      since: filter.since ?? null,
      limit: filter.limit,
    })
  }

  /** Payments whose till key is `keyOrReference` (of one till if given), else whose reference it is. */
  find(keyOrReference: string, tillId?: string): PaymentRecord[] {
    const byKey = this.#q.byKey.all(keyOrReference).filter((p) => tillId === undefined || p.tillId === tillId)
    if (byKey.length > 0) return byKey
    return this.#q.byReference.all(keyOrReference).filter((p) => tillId === undefined || p.tillId === tillId)
  }

  detail(payment: PaymentRecord): PaymentDetail {
    return { payment, operations: this.#repo.operations(payment.id), timeline: this.#timeline.of(payment.id) }
  }

  /** Payments accepted in [start, end), oldest first, with their operations (for reconciliation). */
  acceptedBetween(start: number, end: number): Array<{ payment: PaymentRecord; operations: OperationRecord[] }> {
    return this.#q.acceptedBetween.all(start, end).map((payment) => ({
      payment,
      operations: this.#repo.operations(payment.id),
    }))
  }

  /**
   * The references the next `count` payments will get. Vipps cannot be searched, so these are the
   * only references of ours it may know that this journal does not: made by a journal that was
   * later restored from an older backup.
   */
  nextReferences(prefix: string, count: number): string[] {
    const installation = this.#q.installation.get()?.value
    if (!installation) return []
    const last = this.#q.lastId.get()?.seq ?? 0
    return Array.from({ length: count }, (_, i) => paymentReference(prefix, installation, last + 1 + i))
  }
}
