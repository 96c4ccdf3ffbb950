import type { Db } from '../store/db.js'

/** What the status page and /metrics show of the payments (ops/status-snapshot.ts uses this type). */
export interface PaymentsSummary {
  byStatus: Record<string, number>
  oldestUnfinishedAgeSeconds: number | undefined
  eventsUnacked: number
  recent: Array<{
    tillId: string
    key: string
    reference: string
    status: string
    amount: { value: number; currency: string }
    updatedAt: string
  }>
  /** Payments flagged for a person (retries exhausted, or a refusal tillbridge does not know). */
  needingAttention: number
  /** The latest payments with a refusal from Vipps, newest first. */
  refusals: Array<{
    tillId: string
    key: string
    reference: string
    status: string
    operation: string
    code: string
    message: string
    at: string
    needsAttention: boolean
  }>
}

const RECENT = 20

/** The summary when there is no journal to read (not started, or storage failed). */
export function emptySummary(): PaymentsSummary {
  return {
    byStatus: {},
    oldestUnfinishedAgeSeconds: undefined,
    eventsUnacked: 0,
    recent: [],
    needingAttention: 0,
    refusals: [],
  }
}

function prepare(db: Db) {
  return {
    byStatus: db.prepare<[], { status: string; n: number }>(
      'SELECT status, COUNT(*) AS n FROM payments GROUP BY status',
    ),
    oldest: db.prepare<[], { at: number | null }>(
      "SELECT MIN(created_at) AS at FROM payments WHERE status IN ('queued', 'pending', 'authorized', 'cancelling')",
    ),
    unacked: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM till_events'),
    recent: db.prepare<
      [number],
      { tillId: string; key: string; reference: string; status: string; value: number; currency: string; at: number }
    >(`SELECT till_id AS tillId, till_key AS key, reference, status, amount AS value, currency, updated_at AS at
      FROM payments ORDER BY updated_at DESC, id DESC LIMIT ?`),
    attention: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM payments WHERE needs_attention = 1'),
    refusals: db.prepare<
      [number],
      {
        tillId: string
        key: string
        reference: string
        status: string
        operation: string
        code: string
        message: string | null
        at: number
        attention: number
      }
    >(`SELECT till_id AS tillId, till_key AS key, reference, status, refusal_operation AS operation,
      refusal_code AS code, refusal_message AS message, refusal_at AS at, needs_attention AS attention
      FROM payments WHERE refusal_at IS NOT NULL ORDER BY refusal_at DESC, id DESC LIMIT ?`),
  }
}

/** Reads the summary; each call is a few indexed reads, cheap enough for every scrape. */
export class PaymentsSummaryReader {
  readonly #q: ReturnType<typeof prepare>

  constructor(db: Db) {
    this.#q = prepare(db)
  }

  read(now: number): PaymentsSummary {
    const byStatus: Record<string, number> = {}
    for (const row of this.#q.byStatus.all()) byStatus[row.status] = row.n
    const oldest = this.#q.oldest.get()?.at ?? null
    return {
      byStatus,
      oldestUnfinishedAgeSeconds: oldest === null ? undefined : Math.max(0, (now - oldest) / 1000),
      eventsUnacked: this.#q.unacked.get()?.n ?? 0,
      recent: this.#q.recent.all(RECENT).map((r) => ({
        tillId: r.tillId,
        key: r.key,
        reference: r.reference,
        status: r.status,
        amount: { value: r.value, currency: r.currency },
        updatedAt: new Date(r.at).toISOString(),
      })),
      needingAttention: this.#q.attention.get()?.n ?? 0,
      refusals: this.#q.refusals.all(RECENT).map((r) => ({
        tillId: r.tillId,
        key: r.key,
        reference: r.reference,
        status: r.status,
        operation: r.operation,
        code: r.code,
        message: r.message ?? '',
        at: new Date(r.at).toISOString(),
        needsAttention: r.attention === 1,
      })),
    }
  }
}
