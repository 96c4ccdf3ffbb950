import type { PolicyRow } from './refusal-policy.js'

/**
 * The policy table in words, for docs/vipps-errors.md (a test checks the document against these)
 * and for anyone reading a row.
 */

export function whatTillbridgeDoes(row: PolicyRow): string {
  const a = row.action
  const person = row.attention ? '; flags the payment for a person' : ''
  switch (a.kind) {
    case 'retry':
      return `sends the same request again (same key, same bytes) after ≥ ${a.afterMs / 1000} s, at most ${a.maxAttempts} times; then gives up and flags the payment for a person`
    case 'giveUp':
      return `gives the operation up${person}`
    case 'endPayment':
      return 'ends the payment: nothing was created at Vipps'
    case 'notFound':
      return 'treats the payment as unknown to Vipps (a create that never arrived is declared never sent)'
    case 'releaseReservation':
      return 'cancels the whole reservation instead (the customer approved meanwhile)'
    case 'readBack':
      return `reads the payment back before deciding anything${person}`
  }
}

export function whatTheTillSees(row: PolicyRow): string {
  const a = row.action
  switch (a.kind) {
    case 'retry':
      return 'nothing while retrying; `refusal` (and `needsAttention`) once retries are exhausted'
    case 'giveUp':
      return row.attention ? '`refusal` with the code, `needsAttention: true`' : '`refusal` with the code'
    case 'endPayment':
      return '`status: failed`, `failure.code` = the code'
    case 'notFound':
      return 'a create that never arrived: `expired` (`EXPIRED_BEFORE_SEND`); a capture, cancel or refund: `refusal` with the code'
    case 'releaseReservation':
      return '`cancelling`, then `cancelled`'
    case 'readBack':
      return row.attention
        ? '`refusal` with the code, `needsAttention: true`; then the status Vipps reports'
        : '`refusal` with the code; then the status Vipps reports'
  }
}

/** `6250`; `HTTP 429` for a row on status alone; `any other code` for the default. */
export function rowKey(row: PolicyRow): string {
  if (row.code !== undefined) return row.code
  return row.status === undefined ? 'any other code' : `HTTP ${row.status}`
}

/** The table as docs/vipps-errors.md has it, one markdown row per policy row. */
export function policyMarkdownRows(rows: readonly PolicyRow[]): string[] {
  return rows.map(
    (r) =>
      `| ${r.operation === '*' ? 'any' : r.operation} | ${rowKey(r)} | ${r.meaning} | ${whatTillbridgeDoes(r)} | ${whatTheTillSees(r)} |`,
  )
}
