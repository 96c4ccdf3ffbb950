import type { Payment, PaymentStatus } from '../../src/client/index.js'
import type { LedgerPayment, PaymentRecord, RunRecord } from './records.js'

/**
 * The checker's teeth against a lazy or sloppy daemon: what check.ts compares (the till's view
 * against Vipps') stays consistent when a daemon accepts nothing, fails everything, or moves the
 * wrong amount and says so. These checks compare with what the till ASKED for, and demand a
 * minimum of work done. Pure functions; their policies are the two tables below.
 */

export type WorkViolationKind = 'too-little-work' | 'amount-mismatch' | 'failed-unexcused'

export interface WorkViolation {
  kind: WorkViolationKind
  subject: string
  detail: string
}

/**
 * Per scenario (scenarios.ts): the end state it exists to reach, and whether `failed` is a right
 * answer for it (only when Vipps refuses the create: no such customer).
 */
export const SCENARIO_END_STATES: Record<string, { expected: PaymentStatus; mayFail: boolean }> = {
  paid: { expected: 'captured', mayFail: false },
  paidThenRefunded: { expected: 'refunded', mayFail: false },
  declined: { expected: 'declined', mayFail: false },
  walksAway: { expected: 'expired', mayFail: false },
  unknownCustomer: { expected: 'failed', mayFail: true },
  // Approves after 25 s, but the chaos run's simulator expires a payment after 15 s.
  slowCustomer: { expected: 'expired', mayFail: false },
  qrScanned: { expected: 'captured', mayFail: false },
  vendPartly: { expected: 'captured', mayFail: false },
  vendWhole: { expected: 'captured', mayFail: false },
  vendAbandoned: { expected: 'cancelled', mayFail: false },
  cashierCancels: { expected: 'cancelled', mayFail: false },
  reservationReleased: { expected: 'cancelled', mayFail: false },
}

/**
 * The minimum of work a run must show. Under the chaos run's faults and kills almost every create
 * is accepted (37,691 of 37,701 in the recorded 30-minute run) and each scenario ends as it should
 * most of the time; these floors are far below that, and far above a daemon that does nothing.
 */
export const WORK_MINIMUMS = {
  /** Creates the daemon answered, as a share of all creates the tills sent. */
  acceptedShare: 0.8,
  /** Per scenario: payments that reached its expected end state, as a share of its sales... */
  endStateShare: 0.5,
  /** ...and at least this many, for every scenario that had at least this many sales. */
  endStateCount: 1,
} as const

export function checkWork(run: RunRecord, minimums = WORK_MINIMUMS): WorkViolation[] {
  const out: WorkViolation[] = []
  const sales = run.payments.length
  const accepted = run.payments.filter((p) => p.create.outcome === 'answered').length
  if (sales === 0) return [w('too-little-work', 'run', 'the tills made no sale at all')]
  if (accepted < minimums.acceptedShare * sales) {
    out.push(
      w(
        'too-little-work',
        'run',
        `${accepted} of ${sales} creates accepted; at least ${pct(minimums.acceptedShare)} must be`,
      ),
    )
  }
  const byScenario = new Map<string, { sales: number; reached: number }>()
  for (const p of run.payments) {
    const tally = byScenario.get(p.scenario) ?? { sales: 0, reached: 0 }
    tally.sales++
    const final = run.finals.get(`${p.tillId}/${p.key}`)
    if (final && final.status === SCENARIO_END_STATES[p.scenario]?.expected) tally.reached++
    byScenario.set(p.scenario, tally)
  }
  for (const [scenario, { sales: n, reached }] of byScenario) {
    const expected = SCENARIO_END_STATES[scenario]?.expected ?? '(no expected end state)'
    const floor = Math.max(minimums.endStateShare * n, n >= minimums.endStateCount ? minimums.endStateCount : 0)
    if (reached < floor) {
      out.push(
        w('too-little-work', scenario, `${reached} of ${n} sales ended ${expected}; at least ${Math.ceil(floor)} must`),
      )
    }
  }
  return out
}

/**
 * `failed` only where the scenario is built to fail, or where the run scripted Vipps to refuse a
 * create with exactly that code and Vipps holds no payment under the reference (it did nothing);
 * anywhere else it is a payment not taken.
 */
export function checkFailure(
  p: PaymentRecord,
  final: Payment,
  id: string,
  refused: { codes: ReadonlySet<string>; atVipps: boolean } = { codes: new Set(), atVipps: false },
): WorkViolation[] {
  if (final.status !== 'failed' || SCENARIO_END_STATES[p.scenario]?.mayFail) return []
  const code = final.failure?.code
  if (code !== undefined && refused.codes.has(code) && !refused.atVipps) return []
  const why = final.failure ? `${final.failure.code}: ${final.failure.message}` : 'no reason given'
  return [w('failed-unexcused', id, `${p.scenario} sale ended failed (${why}); only a refused create may`)]
}

/**
 * The till's requested amount against the daemon's answer and Vipps' ledger: created for exactly
 * that amount, authorized all or nothing of it, captured nothing or what was asked (the whole
 * amount, or the amount of the till's capture), refunded no more than captured.
 */
export function checkRequestedAmounts(p: PaymentRecord, final: Payment, l: LedgerPayment, id: string): WorkViolation[] {
  const out: WorkViolation[] = []
  const bad = (detail: string) => out.push(w('amount-mismatch', id, `the till asked ${p.amount}; ${detail}`))
  if (final.amount.value !== p.amount) bad(`the daemon says the payment is for ${final.amount.value}`)
  const created = l.operations.filter((o) => o.kind === 'create').map((o) => o.amount.value)
  if (created.some((value) => value !== p.amount)) bad(`Vipps was asked to reserve [${created}]`)
  const authorized = l.aggregate.authorizedAmount.value
  if (authorized !== 0 && authorized !== p.amount) bad(`Vipps authorized ${authorized}`)
  const captured = l.aggregate.capturedAmount.value
  const toCapture = p.capture?.amount ?? p.amount
  if (captured !== 0 && captured !== toCapture) bad(`Vipps captured ${captured}, not ${toCapture}`)
  const refunded = l.aggregate.refundedAmount.value
  if (refunded > captured) bad(`Vipps refunded ${refunded} of ${captured} captured`)
  return out
}

function w(kind: WorkViolationKind, subject: string, detail: string): WorkViolation {
  return { kind, subject, detail }
}

const pct = (share: number) => `${Math.round(share * 100)}%`
