import { FINAL_STATUSES, type Payment } from '../../src/client/index.js'
import { checkRefusals, refusalTold } from './check-refusals.js'
import { checkFailure, checkRequestedAmounts, checkWork } from './check-work.js'
import { type LedgerPayment, type PaymentRecord, paymentId, type RunRecord, type TillLog } from './records.js'

/**
 * The promise, as checks on what the tills were told against what "Vipps" (the simulator's
 * ledger) did. Pure: it reads a finished run's records and returns every violation it finds.
 */

export const VIOLATION_KINDS = [
  'lost',
  'not-final',
  'till-not-told',
  'missing-at-vipps',
  'unknown-at-vipps',
  'created-twice',
  'money-mismatch',
  'status-mismatch',
  'reservation-open',
  'capture-not-once',
  'cancel-not-once',
  'refund-not-once',
  'events-gap',
  'events-repeat',
  'events-incomplete',
  'unknown-payment',
  'daemon-exit',
  // check-work.ts: against what the till asked for, and a minimum of work done.
  'too-little-work',
  'amount-mismatch',
  'failed-unexcused',
  // Vipps' refusals (check-refusals.ts).
  'cancelled-captured',
  'refusal-not-told',
] as const

export type ViolationKind = (typeof VIOLATION_KINDS)[number]

export interface Violation {
  kind: ViolationKind
  /** The till, payment or reference concerned. */
  subject: string
  detail: string
}

type Amounts = Pick<Payment, 'captured' | 'refunded' | 'cancelled'>

export function checkRun(run: RunRecord): Violation[] {
  const out: Violation[] = []
  const ledger = new Map<string, LedgerPayment[]>()
  for (const l of run.ledger) ledger.set(l.reference, [...(ledger.get(l.reference) ?? []), l])
  const tills = new Map(run.tills.map((t) => [t.tillId, t]))
  const refusedCreates = new Set(run.refusedCreateCodes ?? [])

  for (const p of run.payments) {
    const id = paymentId(p.tillId, p.key)
    const final = run.finals.get(id)
    out.push(...checkAccepted(p, final, id))
    if (!final) continue
    out.push(...checkAtRest(p, final, id))
    out.push(...checkTillTold(tills.get(p.tillId), final, id))
    const atVipps = ledger.get(final.reference) ?? []
    out.push(...checkFailure(p, final, id, { codes: refusedCreates, atVipps: atVipps.length > 0 }))
    if (atVipps.length > 1) {
      out.push(v('created-twice', id, `${atVipps.length} payments with reference ${final.reference} at Vipps`))
    }
    const [entry] = atVipps
    const till = tills.get(p.tillId)
    if (entry) {
      out.push(...checkAtVipps(p, final, entry, id, till), ...checkRequestedAmounts(p, final, entry, id))
      out.push(...checkRefusals(p, final, entry, till, id))
    } else if (!neverSent(p, final)) {
      out.push(v('missing-at-vipps', id, `${final.status} ${final.reference}, but Vipps never saw a create`))
    }
  }
  out.push(...checkLedgerKnown(run))
  out.push(...checkWork(run))
  for (const till of run.tills) out.push(...checkEvents(till))
  for (const e of run.unexpectedExits) {
    out.push(v('daemon-exit', 'daemon', `exited on its own: code ${e.code}, signal ${e.signal}`))
  }
  return out
}

function v(kind: ViolationKind, subject: string, detail: string): Violation {
  return { kind, subject, detail }
}

function checkAccepted(p: PaymentRecord, final: Payment | undefined, id: string): Violation[] {
  if (p.create.outcome !== 'answered') return []
  if (!final) return [v('lost', id, `accepted as ${p.reference}, but the daemon no longer knows it`)]
  if (final.reference !== p.reference) {
    return [v('lost', id, `accepted as ${p.reference}, now ${final.reference}`)]
  }
  return []
}

/** Final, or partly refunded where the till never finished (or got an answer to) its refunds. */
function checkAtRest(p: PaymentRecord, final: Payment, id: string): Violation[] {
  if (FINAL_STATUSES.includes(final.status)) return []
  // A refund Vipps refused (told to the till) leaves the rest refundable: at rest, not final.
  const refundsOpen =
    p.abandoned ||
    [...p.refunds.values()].some((r) => r.outcome !== 'answered') ||
    final.refusal?.operation === 'refund'
  if (final.status === 'partially_refunded' && refundsOpen) return []
  return [v('not-final', id, `still ${final.status} after the run settled`)]
}

function checkTillTold(till: TillLog | undefined, final: Payment, id: string): Violation[] {
  const seen = till?.lastSeen.get(final.key)
  if (seen && seen.status === final.status && sameAmounts(seen, final)) return []
  const told = seen ? `${seen.status} (captured ${seen.captured}, refunded ${seen.refunded})` : 'nothing'
  return [v('till-not-told', id, `ended ${final.status}, but the till's last event said ${told}`)]
}

function sameAmounts(a: Amounts, b: Amounts): boolean {
  return a.captured === b.captured && a.refunded === b.refunded && a.cancelled === b.cancelled
}

/** Payments that may rightly never have reached Vipps. */
function neverSent(p: PaymentRecord, final: Payment): boolean {
  if (final.status === 'failed') return true // Vipps refused the create (7010): not in its ledger
  if (final.status === 'expired' && final.failure?.code === 'EXPIRED_BEFORE_SEND') return true
  return final.status === 'cancelled' && p.cancel !== undefined && final.captured === 0
}

function checkAtVipps(p: PaymentRecord, final: Payment, l: LedgerPayment, id: string, till?: TillLog): Violation[] {
  const out: Violation[] = []
  const ops = (kind: string) => l.operations.filter((o) => o.kind === kind).map((o) => o.amount.value)
  const creates = ops('create').length
  if (creates !== 1) out.push(v('created-twice', id, `${creates} creates of ${l.reference} at Vipps`))

  const agg = { captured: l.aggregate.capturedAmount.value, refunded: l.aggregate.refundedAmount.value }
  const cancelled = l.aggregate.cancelledAmount.value
  const expected = statusAtVipps(l)
  if (expected !== final.status) {
    out.push(v('status-mismatch', id, `the till was told ${final.status}; Vipps says ${l.state}, so ${expected}`))
  }
  if (!sameAmounts(final, { ...agg, cancelled })) {
    const ours = `captured ${final.captured}, refunded ${final.refunded}, cancelled ${final.cancelled}`
    const theirs = `captured ${agg.captured}, refunded ${agg.refunded}, cancelled ${cancelled}`
    out.push(v('money-mismatch', id, `the till was told ${ours}; Vipps has ${theirs}`))
  }
  const open = l.aggregate.authorizedAmount.value - agg.captured - cancelled
  if (open > 0) out.push(v('reservation-open', id, `${open} still reserved at Vipps (${l.state})`))

  const captures = ops('capture')
  if (captures.length > 1) out.push(v('capture-not-once', id, `captured ${captures.length} times: ${captures}`))
  const captureRefused = captures.length === 0 && refusalTold(till, p.key, 'capture')
  if (
    p.capture?.outcome === 'answered' &&
    !captureRefused &&
    !(captures.length === 1 && captures[0] === p.capture.amount)
  ) {
    out.push(v('capture-not-once', id, `capture of ${p.capture.amount} answered; Vipps captured [${captures}]`))
  }
  const cancels = ops('cancel').length
  if (cancels > 1) out.push(v('cancel-not-once', id, `cancelled ${cancels} times at Vipps`))
  if (p.cancel?.outcome === 'answered' && !['cancelled', 'declined', 'expired', 'captured'].includes(final.status)) {
    out.push(v('cancel-not-once', id, `cancel answered, but the payment ended ${final.status}`))
  }
  out.push(...checkRefunds(p, ops('refund'), id, refusalTold(till, p.key, 'refund')))
  return out
}

/**
 * The till status Vipps' state and aggregate amount to, worked out here independently of the
 * engine's own mapping, so a mistake there shows.
 */
export function statusAtVipps(l: LedgerPayment): string {
  const captured = l.aggregate.capturedAmount.value
  const refunded = l.aggregate.refundedAmount.value
  switch (l.state) {
    case 'CREATED':
      return 'pending'
    case 'ABORTED':
      return 'declined'
    case 'EXPIRED':
      return 'expired'
    case 'TERMINATED':
      return 'cancelled'
    default:
      if (captured === 0) return l.aggregate.cancelledAmount.value > 0 ? 'cancelled' : 'authorized'
      if (refunded === 0) return 'captured'
      return refunded >= captured ? 'refunded' : 'partially_refunded'
  }
}

/** Every answered refund exactly once; nothing beyond what was asked (answered or unanswered). */
function checkRefunds(p: PaymentRecord, done: number[], id: string, refusedTold = false): Violation[] {
  const asked = [...p.refunds.values()]
  const must = asked.filter((r) => r.outcome === 'answered').map((r) => r.amount)
  const may = asked.filter((r) => r.outcome !== 'refused' || r.attempts > 1).map((r) => r.amount)
  const missing = without(must, done)
  const extra = without(done, may)
  const out: Violation[] = []
  // An answered refund Vipps refused is no violation when the till was told (check-refusals.ts).
  if (missing.length > 0 && !refusedTold)
    out.push(v('refund-not-once', id, `answered refunds [${missing}] not done at Vipps`))
  if (extra.length > 0) out.push(v('refund-not-once', id, `refunds [${extra}] at Vipps beyond those asked`))
  return out
}

/** The multiset `a` minus the multiset `b`. */
function without(a: number[], b: number[]): number[] {
  const left = [...b]
  return a.filter((x) => {
    const i = left.indexOf(x)
    if (i < 0) return true
    left.splice(i, 1)
    return false
  })
}

/** Everything at Vipps belongs to a payment some till asked for and heard of. */
function checkLedgerKnown(run: RunRecord): Violation[] {
  const known = new Set<string>()
  const keys = new Set(run.payments.map((p) => paymentId(p.tillId, p.key)))
  const out: Violation[] = []
  for (const p of run.payments) if (p.reference) known.add(p.reference)
  for (const till of run.tills) {
    for (const [key, seen] of till.lastSeen) {
      known.add(seen.reference)
      const id = paymentId(till.tillId, key)
      if (!keys.has(id)) out.push(v('unknown-payment', id, 'an event about a payment the till never asked for'))
    }
  }
  for (const l of run.ledger) {
    if (!known.has(l.reference)) out.push(v('unknown-at-vipps', l.reference, 'created at Vipps; no till heard of it'))
  }
  return out
}

/** Per till: 1, 2, 3, … in order, no gap, no repeat, up to the mailbox's newest seq. */
function checkEvents(till: TillLog): Violation[] {
  const out: Violation[] = []
  let expected = 1
  for (const seq of till.processed) {
    if (seq < expected) out.push(v('events-repeat', till.tillId, `seq ${seq} processed again after ${expected - 1}`))
    else if (seq > expected) out.push(v('events-gap', till.tillId, `seq ${seq} came after ${expected - 1}`))
    expected = Math.max(expected, seq + 1)
  }
  const last = expected - 1
  if (till.finalLastSeq === undefined) {
    out.push(v('events-incomplete', till.tillId, 'the till could not reconnect at the end'))
  } else if (last !== till.finalLastSeq) {
    out.push(
      v('events-incomplete', till.tillId, `processed up to seq ${last}; the mailbox ends at ${till.finalLastSeq}`),
    )
  }
  return out
}
