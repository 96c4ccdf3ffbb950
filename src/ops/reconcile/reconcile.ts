import { comparePayment, totalsByCurrency } from './compare.js'
import { dayBounds } from './day.js'
import type { JournalPayment, ReconcileLine, ReconcileReport, UnknownAtVipps, VippsLookup } from './types.js'

/** Where reconciliation reads each side from; the daemon and the CLI pass the journal and Vipps. */
export interface ReconcileSources {
  /** Journal payments accepted in [start, end), oldest first. */
  journalPayments(start: number, end: number): JournalPayment[]
  /** Vipps' side of one reference of one sales unit. */
  lookup(msn: string, reference: string): Promise<VippsLookup>
  /**
   * References tillbridge would hand out next, per sales unit, newest journal payment first. Vipps
   * has no search, so this is the only way to find payments a lost or restored journal forgot.
   */
  nextReferences?(): Array<{ msn: string; references: string[] }>
  /** Whether the journal has a reference now (a payment accepted while the probe ran). */
  inJournal?(reference: string): boolean
}

/** Lookups run this many at a time: well inside Vipps' 120 GETs per minute per reference. */
const CONCURRENCY = 4

/**
 * Reconciles one store day: every journal payment accepted that day against Vipps, plus (unless
 * `probe` is false) any reference beyond the journal's newest that Vipps knows, probed until one
 * is unknown; that probe does not depend on the day, so a run over several days does it once.
 */
export async function reconcileDay(
  date: string,
  timeZone: string,
  sources: ReconcileSources,
  options: { probe?: boolean } = {},
): Promise<ReconcileReport> {
  const { start, end } = dayBounds(date, timeZone)
  const payments = sources.journalPayments(start, end)
  const lines: ReconcileLine[] = new Array(payments.length)
  let next = 0
  const worker = async () => {
    for (let i = next++; i < payments.length; i = next++) {
      const payment = payments[i] as JournalPayment
      lines[i] = comparePayment(payment, await sources.lookup(payment.msn, payment.reference))
    }
  }
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, payments.length) }, worker))
  const unknownAtVipps = options.probe === false ? [] : await probeBeyondJournal(sources)
  return { date, timeZone, start, end, lines, unknownAtVipps, totals: totalsByCurrency(lines) }
}

async function probeBeyondJournal(sources: ReconcileSources): Promise<UnknownAtVipps[]> {
  const found: UnknownAtVipps[] = []
  for (const { msn, references } of sources.nextReferences?.() ?? []) {
    for (const reference of references) {
      const lookup = await sources.lookup(msn, reference)
      if (!('found' in lookup) || !lookup.found) break
      if (!sources.inJournal?.(reference)) found.push({ msn, reference, vipps: lookup.payment })
    }
  }
  return found
}
