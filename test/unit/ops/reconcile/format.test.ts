import { describe, expect, it } from 'vitest'
import { csvField, formatReconcileCsv, formatReconcileText, money } from '../../../../src/ops/reconcile/format.js'
import type { ReconcileReport } from '../../../../src/ops/reconcile/types.js'

const report: ReconcileReport = {
  date: '2026-11-21',
  timeZone: 'Europe/Oslo',
  start: Date.UTC(2026, 10, 20, 23),
  end: Date.UTC(2026, 10, 21, 23),
  lines: [
    {
      payment: {
        tillId: 'till-1',
        key: '=sale,"1"',
        reference: 'tb-abcdef-1',
        msn: '123456',
        status: 'captured',
        currency: 'NOK',
        amount: 12550,
        authorized: 12550,
        captured: 12550,
        refunded: 0,
        cancelled: 0,
        createdAt: 0,
        failureCode: null,
        operations: [],
      },
      vipps: {
        found: true,
        payment: {
          state: 'AUTHORIZED',
          currency: 'NOK',
          status: 'partially_refunded',
          authorized: 12550,
          captured: 12550,
          refunded: 5,
          cancelled: 0,
          moneyEvents: [],
        },
      },
      differences: ['refunded: journal 0, Vipps 5'],
      inProgress: false,
    },
  ],
  unknownAtVipps: [
    {
      msn: '123456',
      reference: 'tb-abcdef-2',
      vipps: {
        currency: 'NOK',
        state: 'AUTHORIZED',
        status: 'captured',
        authorized: 900,
        captured: 900,
        refunded: 0,
        cancelled: 0,
        moneyEvents: [],
      },
    },
  ],
  totals: { NOK: { payments: 1, journalCaptured: 12550, journalRefunded: 0, vippsCaptured: 12550, vippsRefunded: 5 } },
}

describe('reconciliation reports', () => {
  it('writes money in major units with two decimals', () => {
    expect([money(12550), money(5), money(0), money(100000)]).toEqual(['125.50', '0.05', '0.00', '1000.00'])
  })

  it('the text report lists discrepancies, what only Vipps has, and the totals', () => {
    const text = formatReconcileText(report)
    expect(text).toContain(
      'Reconciliation of 2026-11-21 (time zone Europe/Oslo: 2026-11-20T23:00:00.000Z to 2026-11-21T23:00:00.000Z)',
    )
    expect(text).toContain('1 payment(s) in the journal; 2 discrepancies')
    expect(text).toMatch(
      /reference tb-abcdef-1 \(MSN 123456\)\s+125\.50 NOK\s+journal captured, Vipps partially_refunded \(AUTHORIZED\)\n\s+- refunded: journal 0, Vipps 5/,
    )
    expect(text).toMatch(/At Vipps but not in the journal:\n\s+reference tb-abcdef-2 \(MSN 123456\)/)
    expect(text).toMatch(/NOK\s+1 payment\(s\)\s+captured 125\.50 \/ 125\.50\s+refunded 0\.00 \/ 0\.05/)
  })

  it('the CSV has one header, a row per payment, per unknown reference and per currency total, quoted safely', () => {
    const rows = formatReconcileCsv(report).split('\r\n')
    expect(rows.at(-1)).toBe('')
    const header = rows[0]?.split(',') ?? []
    expect(header).toHaveLength(20)
    expect(rows[1]).toContain(`2026-11-21,till-1,"'=sale,""1""",tb-abcdef-1,123456,NOK,1,125.50,captured,AUTHORIZED`)
    expect(rows[2]?.startsWith('unknown,2026-11-21,,,tb-abcdef-2,123456,NOK,')).toBe(true)
    expect(rows[3]).toBe('total,2026-11-21,,,,,NOK,1,,,,,125.50,125.50,0.00,0.05,,,,')
    expect(rows).toHaveLength(5)
  })

  it('quotes fields with commas, quotes and newlines, and defuses formulas but not numbers', () => {
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(csvField('-12.50')).toBe('-12.50')
    expect(csvField('line\nbreak')).toBe('"line\nbreak"')
  })
})
