import type { ViolationKind } from './check.js'
import type { ChaosReport } from './run.js'

/** What a chaos run did and found, as written to bench/chaos-summary.json and printed. */
export interface ChaosSummary {
  date: string
  /** The commit the run was built from, when it ran in a git checkout. */
  commit: string | null
  seed: number
  durationSeconds: number
  elapsedSeconds: number
  tills: number
  testHooks: string | null
  daemonKills: number
  tillCrashes: number
  faultPhases: number
  faultKinds: string[]
  /** Vipps refusals scripted per `operation code` (refusals phase), and answered per code. */
  refusals?: { scripted: Record<string, number>; answered: Record<string, number> }
  sales: number
  acceptedCreates: number
  unansweredCreates: number
  finalStatuses: Record<string, number>
  atVipps: { payments: number; creates: number; captures: number; cancels: number; refunds: number }
  requests: Record<'capture' | 'cancel' | 'refund', Record<'answered' | 'refused' | 'unknown', number>>
  eventsProcessed: number
  violations: number
  violationsByKind: Partial<Record<ViolationKind, number>>
  /** The first few, for the reader; the full list is in the run's output. */
  firstViolations: string[]
}

export function summarize(report: ChaosReport, commit: string | null = null): ChaosSummary {
  const { run } = report
  const count = <K extends string>(keys: K[]) => {
    const out: Partial<Record<K, number>> = {}
    for (const k of keys) out[k] = (out[k] ?? 0) + 1
    return out
  }
  const ops = run.ledger.flatMap((l) => l.operations.map((o) => o.kind))
  const requests = (kind: 'capture' | 'cancel' | 'refund') => {
    const outcomes = run.payments.flatMap((p) =>
      kind === 'refund' ? [...p.refunds.values()] : p[kind] ? [p[kind] as { outcome: string }] : [],
    )
    const by = (o: string) => outcomes.filter((r) => r.outcome === o).length
    return { answered: by('answered'), refused: by('refused'), unknown: by('unknown') }
  }
  return {
    date: report.startedAt,
    commit,
    seed: report.options.seed,
    durationSeconds: Math.round(report.options.durationMs / 1000),
    elapsedSeconds: Math.round(report.elapsedMs / 1000),
    tills: report.options.tills,
    testHooks: report.options.testHooks ?? null,
    daemonKills: report.daemonKills,
    tillCrashes: report.tillCrashes,
    faultPhases: report.faultPhases.length,
    faultKinds: [...new Set(report.faultPhases)].sort(),
    refusals: report.refusals ?? { scripted: {}, answered: {} },
    sales: run.payments.length,
    acceptedCreates: run.payments.filter((p) => p.create.outcome === 'answered').length,
    unansweredCreates: run.payments.filter((p) => p.create.outcome !== 'answered').length,
    finalStatuses: count([...run.finals.values()].map((f) => f?.status ?? 'never accepted')) as Record<string, number>,
    atVipps: {
      payments: run.ledger.length,
      creates: ops.filter((k) => k === 'create').length,
      captures: ops.filter((k) => k === 'capture').length,
      cancels: ops.filter((k) => k === 'cancel').length,
      refunds: ops.filter((k) => k === 'refund').length,
    },
    requests: { capture: requests('capture'), cancel: requests('cancel'), refund: requests('refund') },
    eventsProcessed: run.tills.reduce((n, t) => n + t.processed.length, 0),
    violations: report.violations.length,
    violationsByKind: count(report.violations.map((v) => v.kind)),
    firstViolations: report.violations.slice(0, 20).map((v) => `${v.kind} ${v.subject}: ${v.detail}`),
  }
}

/** A two-column table for the terminal. */
export function formatSummary(s: ChaosSummary): string {
  const rows: Array<[string, string]> = [
    ['date', s.date],
    ['commit', s.commit ?? 'unknown'],
    ['seed', String(s.seed)],
    ['duration (selling / total)', `${s.durationSeconds} s / ${s.elapsedSeconds} s`],
    ['tills', String(s.tills)],
    ['test hooks', s.testHooks ?? 'none'],
    ['daemon SIGKILLs', String(s.daemonKills)],
    ['till crashes', String(s.tillCrashes)],
    ['fault phases', `${s.faultPhases} (${s.faultKinds.join(', ')})`],
    ['refusals scripted', pairs(s.refusals?.scripted ?? {})],
    ['refusals answered by code', pairs(s.refusals?.answered ?? {})],
    ['sales (accepted / unanswered)', `${s.sales} (${s.acceptedCreates} / ${s.unansweredCreates})`],
    [
      'final statuses',
      Object.entries(s.finalStatuses)
        .map(([k, n]) => `${k} ${n}`)
        .join(', '),
    ],
    ['at Vipps: payments, creates', `${s.atVipps.payments}, ${s.atVipps.creates}`],
    ['at Vipps: captures, cancels, refunds', `${s.atVipps.captures}, ${s.atVipps.cancels}, ${s.atVipps.refunds}`],
    ...(['capture', 'cancel', 'refund'] as const).map((k): [string, string] => {
      const r = s.requests[k]
      return [`${k} requests (answered / refused / unknown)`, `${r.answered} / ${r.refused} / ${r.unknown}`]
    }),
    ['events processed', String(s.eventsProcessed)],
    ['violations', s.violations === 0 ? '0' : `${s.violations}: ${JSON.stringify(s.violationsByKind)}`],
  ]
  const width = Math.max(...rows.map(([k]) => k.length))
  const lines = rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)
  return ['chaos run summary', ...lines, ...s.firstViolations.map((v) => `  ! ${v}`)].join('\n')
}

function pairs(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort(([a], [b]) => a.localeCompare(b))
  return entries.length === 0 ? 'none' : entries.map(([k, n]) => `${k}: ${n}`).join(', ')
}
