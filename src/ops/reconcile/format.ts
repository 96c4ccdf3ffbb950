import { discrepancyCount } from './compare.js'
import type { ReconcileLine, ReconcileReport } from './types.js'

/** Minor units as major with two decimals: NOK, DKK and EUR all have two. */
export function money(minor: number): string {
  const sign = minor < 0 ? '-' : ''
  const abs = Math.abs(minor)
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

function vippsState(line: ReconcileLine): string {
  const v = line.vipps
  if ('error' in v) return 'not checked'
  return v.found ? `${v.payment.status} (${v.payment.state})` : 'does not know it'
}

/** The report a merchant reads: what differs, what Vipps has that the journal lacks, the totals. */
export function formatReconcileText(report: ReconcileReport): string {
  const out: string[] = []
  const iso = (ms: number) => new Date(ms).toISOString()
  const count = discrepancyCount(report)
  out.push(
    `Reconciliation of ${report.date} (time zone ${report.timeZone}: ${iso(report.start)} to ${iso(report.end)})`,
    `${report.lines.length} payment(s) in the journal; ${count} discrepanc${count === 1 ? 'y' : 'ies'}`,
  )
  const inProgress = report.lines.filter((l) => l.inProgress).length
  if (inProgress > 0) out.push(`${inProgress} payment(s) still in progress in the daemon`)
  const differing = report.lines.filter((l) => l.differences.length > 0)
  if (differing.length > 0) {
    out.push('', 'Discrepancies:')
    for (const line of differing) {
      const p = line.payment
      out.push(
        `  ${p.tillId} ${p.key}  reference ${p.reference} (MSN ${p.msn})  ${money(p.amount)} ${p.currency}  ` +
          `journal ${p.status}, Vipps ${vippsState(line)}${line.inProgress ? '  [in progress]' : ''}`,
      )
      for (const d of line.differences) out.push(`    - ${d}`)
    }
  }
  if (report.unknownAtVipps.length > 0) {
    out.push('', 'At Vipps but not in the journal:')
    for (const u of report.unknownAtVipps) {
      out.push(
        `  reference ${u.reference} (MSN ${u.msn})  ${u.vipps.status} (${u.vipps.state})  ` +
          `authorized ${money(u.vipps.authorized)}, captured ${money(u.vipps.captured)}, refunded ${money(u.vipps.refunded)} ${u.vipps.currency}`,
      )
    }
  }
  out.push('', 'Totals of the day (journal / Vipps):')
  const currencies = Object.keys(report.totals).sort()
  if (currencies.length === 0) out.push('  no payments')
  for (const c of currencies) {
    const t = report.totals[c]
    if (!t) continue
    out.push(
      `  ${c}  ${t.payments} payment(s)  captured ${money(t.journalCaptured)} / ${money(t.vippsCaptured)}  ` +
        `refunded ${money(t.journalRefunded)} / ${money(t.vippsRefunded)}`,
    )
  }
  out.push('')
  return out.join('\n')
}

const CSV_COLUMNS = [
  'row',
  'date',
  'till',
  'key',
  'reference',
  'msn',
  'currency',
  'payments',
  'amount',
  'journal_status',
  'vipps_state',
  'vipps_status',
  'journal_captured',
  'vipps_captured',
  'journal_refunded',
  'vipps_refunded',
  'journal_cancelled',
  'vipps_cancelled',
  'in_progress',
  'differences',
] as const

type CsvRow = Partial<Record<(typeof CSV_COLUMNS)[number], string>>

/**
 * One row per journal payment, one per reference only Vipps knows, and one total per currency
 * (`payments` counts the payments in it). Amounts in major units with two decimals.
 */
export function formatReconcileCsv(report: ReconcileReport): string {
  const rows: CsvRow[] = []
  for (const line of report.lines) {
    const p = line.payment
    const v = 'found' in line.vipps && line.vipps.found ? line.vipps.payment : undefined
    rows.push({
      row: 'payment',
      till: p.tillId,
      key: p.key,
      reference: p.reference,
      msn: p.msn,
      currency: p.currency,
      payments: '1',
      amount: money(p.amount),
      journal_status: p.status,
      vipps_state: v ? v.state : 'error' in line.vipps ? 'not checked' : 'unknown',
      vipps_status: v?.status ?? '',
      journal_captured: money(p.captured),
      vipps_captured: v ? money(v.captured) : '',
      journal_refunded: money(p.refunded),
      vipps_refunded: v ? money(v.refunded) : '',
      journal_cancelled: money(p.cancelled),
      vipps_cancelled: v ? money(v.cancelled) : '',
      in_progress: line.inProgress ? 'yes' : 'no',
      differences: line.differences.join('; '),
    })
  }
  for (const u of report.unknownAtVipps) {
    rows.push({
      row: 'unknown',
      reference: u.reference,
      msn: u.msn,
      currency: u.vipps.currency,
      vipps_state: u.vipps.state,
      vipps_status: u.vipps.status,
      vipps_captured: money(u.vipps.captured),
      vipps_refunded: money(u.vipps.refunded),
      vipps_cancelled: money(u.vipps.cancelled),
      differences: 'at Vipps but not in the journal',
    })
  }
  for (const currency of Object.keys(report.totals).sort()) {
    const t = report.totals[currency]
    if (!t) continue
    rows.push({
      row: 'total',
      currency,
      payments: String(t.payments),
      journal_captured: money(t.journalCaptured),
      vipps_captured: money(t.vippsCaptured),
      journal_refunded: money(t.journalRefunded),
      vipps_refunded: money(t.vippsRefunded),
    })
  }
  const lines = [CSV_COLUMNS.join(',')]
  for (const row of rows) {
    const full: CsvRow = { ...row, date: report.date }
    lines.push(CSV_COLUMNS.map((c) => csvField(full[c] ?? '')).join(','))
  }
  return `${lines.join('\r\n')}\r\n`
}

/** RFC 4180 quoting; a text cell that a spreadsheet would run as a formula gets a leading quote. */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) && !/^-?\d+(\.\d+)?$/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}
