import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FlowResult } from './runner.js'
import type { HeaderSummary, TokenSummary } from './summary.js'

/** A check that moves no money: what certify runs against production. */
export interface ReadCheck {
  name: string
  ok: boolean
  detail: string
}

export interface CertifyReport {
  tool: string
  version: string
  /** `simulator`, `test` (apitest.vipps.no or a simulator standing in for it) or `production`. */
  environment: 'simulator' | 'test' | 'production'
  baseUrl: string
  msn: string
  startedAt: string
  finishedAt: string
  ok: boolean
  /** How the customer's approval was given. */
  approvals: string
  flows: FlowResult[]
  readChecks: ReadCheck[]
  customerInteraction: string[]
  headers: HeaderSummary[]
  token: TokenSummary
}

/** Writes certify-report.json (for a machine) and certify-report.md (for Vipps); returns their paths. */
export function writeReports(dir: string, report: CertifyReport): { json: string; markdown: string } {
  mkdirSync(dir, { recursive: true })
  const json = join(dir, 'certify-report.json')
  const markdown = join(dir, 'certify-report.md')
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`)
  writeFileSync(markdown, renderMarkdown(report))
  return { json, markdown }
}

export function renderMarkdown(r: CertifyReport): string {
  const lines = [
    `# tillbridge certify: ${r.ok ? 'every check behaved' : 'FAILED'}`,
    '',
    `- Environment: ${r.environment} (${r.baseUrl}), sales unit (MSN) ${r.msn}`,
    `- Run: ${r.startedAt} to ${r.finishedAt}, ${r.tool} ${r.version}`,
    `- Approvals: ${r.approvals}`,
    `- customerInteraction on every create: ${r.customerInteraction.join(', ') || 'no create sent'}`,
    '',
  ]
  if (r.flows.length > 0) {
    lines.push(
      '## Flows',
      '',
      '| flow | checklist item | result | reference | pspReference | statuses |',
      '|---|---|---|---|---|---|',
    )
    for (const f of r.flows) {
      const statuses = f.statuses.map((s) => s.status).join(' → ')
      lines.push(
        `| ${f.id} | ${f.checklist} | ${f.ok ? 'ok' : '**FAILED**'} | ${f.reference ?? ''} | ${f.pspReference ?? ''} | ${statuses} |`,
      )
    }
    lines.push('')
    for (const f of r.flows) lines.push(...flowSection(f))
  }
  if (r.readChecks.length > 0) {
    lines.push('## Read checks (production: no money moved)', '')
    for (const c of r.readChecks) lines.push(`- ${c.ok ? 'ok' : '**FAILED**'} ${c.name}: ${c.detail}`)
    lines.push('')
  }
  lines.push('## Headers sent (secrets masked)', '')
  for (const h of r.headers) {
    lines.push(`### ${h.request} (${h.count}×)`, '', '```')
    for (const [name, value] of Object.entries(h.headers)) lines.push(`${name}: ${value}`)
    lines.push('```', '')
  }
  const t = r.token
  lines.push(
    '## Access token',
    '',
    `- Tokens fetched: ${t.fetched} (lifetimes: ${t.lifetimesSeconds.map((s) => `${s} s`).join(', ') || 'unknown'})`,
    `- API calls made with them: ${t.callsWithToken}; answered 401: ${t.unauthorized}`,
    `- Handling: ${t.handling}`,
    '',
  )
  return `${lines.join('\n')}\n`
}

function flowSection(f: FlowResult): string[] {
  const out = [`### ${f.id}: ${f.ok ? 'ok' : 'FAILED'}`, '', `Checklist: ${f.checklist}`, '']
  if (!f.ok) out.push(`- Expected: ${f.expected ?? ''}`, `- Got: ${f.actual ?? ''}`)
  if (f.amount) {
    out.push(
      `- Amount ${f.amount.value} ${f.amount.currency}; captured ${f.captured}, refunded ${f.refunded}, cancelled ${f.cancelled}`,
    )
  }
  out.push(`- Key ${f.key ?? ''}, reference ${f.reference ?? ''}, pspReference ${f.pspReference ?? ''}`)
  for (const s of f.statuses) out.push(`- ${s.at} ${s.status}`)
  for (const n of f.notes) out.push(`- ${n}`)
  if (f.calls.length > 0) {
    out.push('', 'Calls to Vipps:', '')
    for (const c of f.calls)
      out.push(`- ${c.at} ${c.request} → ${c.status ?? 'no answer'}${c.refusal ? ` (${c.refusal})` : ''}`)
  }
  out.push('')
  return out
}
