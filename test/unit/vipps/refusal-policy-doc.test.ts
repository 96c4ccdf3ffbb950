import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { POLICY, policyFor, UNKNOWN_POLICY } from '../../../src/vipps/refusal-policy.js'
import { policyMarkdownRows } from '../../../src/vipps/refusal-policy-text.js'

const DOC = new URL('../../../docs/vipps-errors.md', import.meta.url)

/** The rows of the document's policy table, as written. */
function documentedRows(): string[] {
  return readFileSync(DOC, 'utf8')
    .split('\n')
    .filter((line) => /^\| (any|create|read|capture|cancel|refund) \|/.test(line))
}

describe('the refusal policy', () => {
  it('docs/vipps-errors.md shows exactly the code table, row by row', () => {
    expect(documentedRows()).toEqual(policyMarkdownRows([...POLICY, UNKNOWN_POLICY]))
  })

  it('picks the most specific row; an unknown code is read back and flagged, never assumed', () => {
    expect(policyFor('cancel', 400, '6250').action).toEqual({ kind: 'retry', afterMs: 1000, maxAttempts: 30 })
    expect(policyFor('capture', 400, '6250')).toBe(UNKNOWN_POLICY)
    expect(policyFor('capture', 400, '6160').action.kind).toBe('retry')
    expect(policyFor('read', 400, '5090').action.kind).toBe('notFound')
    expect(policyFor('create', 404, undefined).action.kind).toBe('notFound')
    expect(policyFor('refund', 429, undefined).action.kind).toBe('retry')
    expect(policyFor('capture', 400, '9999')).toMatchObject({ action: { kind: 'readBack' }, attention: true })
    expect(policyFor('capture', 400, undefined)).toBe(UNKNOWN_POLICY)
    // A create refusal never created anything: an unknown code there ends the payment.
    expect(policyFor('create', 400, '9999').action.kind).toBe('endPayment')
  })

  it('every retried row has a bound, and no row is listed twice', () => {
    for (const row of POLICY) if (row.action.kind === 'retry') expect(row.action.maxAttempts).toBeLessThan(100)
    const keys = POLICY.map((r) => `${r.operation}|${r.code ?? ''}|${r.status ?? ''}`)
    expect(new Set(keys).size).toBe(keys.length)
  })
})
