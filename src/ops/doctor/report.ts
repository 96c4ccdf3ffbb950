import type { CheckResult, CheckStatus } from './check.js'
import type { DoctorReport } from './doctor.js'

const LABEL: Record<CheckStatus, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' }

export function countByStatus(results: readonly CheckResult[]): Record<CheckStatus, number> {
  const counts: Record<CheckStatus, number> = { pass: 0, warn: 0, fail: 0, skip: 0 }
  for (const r of results) counts[r.status] += 1
  return counts
}

/** The report a technician reads: one line per check, problems and fixes indented under it. */
export function formatReport(report: DoctorReport): string {
  const width = Math.max(...report.results.map((r) => name(r).length))
  const lines = [`tillbridge doctor${report.source ? `: ${report.source}` : ''}`, '']
  for (const r of report.results) {
    lines.push(`${LABEL[r.status]}  ${name(r).padEnd(width)}  ${r.finding}`)
    const indent = ' '.repeat(width + 8)
    for (const d of r.details ?? []) lines.push(`${indent}- ${d}`)
    if (r.fix && (r.status === 'warn' || r.status === 'fail')) lines.push(`${indent}fix: ${r.fix}`)
  }
  const c = countByStatus(report.results)
  lines.push('', `${c.pass} passed, ${c.warn} warning(s), ${c.fail} failed, ${c.skip} skipped`, '')
  return lines.join('\n')
}

/** The same report for scripts and fleet tools. */
export function reportJson(report: DoctorReport): string {
  const summary = countByStatus(report.results)
  return `${JSON.stringify({ ok: summary.fail === 0, source: report.source ?? null, summary, results: report.results }, null, 2)}\n`
}

function name(r: CheckResult): string {
  return r.check
}
