import { PaymentSupport } from '../../payments/support.js'
import { factsFromVipps } from '../../payments/vipps-status.js'
import type { Db } from '../../store/db.js'
import type { VippsClients } from '../../vipps/clients.js'
import { ProviderError } from '../../vipps/errors.js'
import type { ReconcileSources } from './reconcile.js'
import type { JournalPayment, VippsLookup } from './types.js'

const MONEY_EVENTS = new Set(['CAPTURED', 'REFUNDED', 'CANCELLED', 'TERMINATED'])
/** At most this many references past the journal's newest are probed (it stops at the first unknown). */
const PROBE = 20

/** Both sides as the daemon (or the CLI) sees them: a journal connection and the Vipps clients. */
export function reconcileSources(db: Db, vipps: VippsClients, referencePrefix: string): ReconcileSources {
  const support = new PaymentSupport(db)
  return {
    journalPayments: (start, end) =>
      support.acceptedBetween(start, end).map(
        ({ payment: p, operations }): JournalPayment => ({
          tillId: p.tillId,
          key: p.tillKey,
          reference: p.reference,
          msn: p.msn,
          status: p.status,
          currency: p.currency,
          amount: p.amount,
          authorized: p.authorized,
          captured: p.captured,
          refunded: p.refunded,
          cancelled: p.cancelled,
          createdAt: p.createdAt,
          failureCode: p.failureCode,
          operations: operations.map((op) => ({ kind: op.kind, idempotencyKey: op.idempotencyKey, state: op.state })),
        }),
      ),
    lookup: (msn, reference) => lookup(vipps, msn, reference),
    nextReferences: () => {
      const references = support.nextReferences(referencePrefix, PROBE)
      return vipps.msns().map((msn) => ({ msn, references }))
    },
    inJournal: (reference) => support.find(reference).length > 0,
  }
}

/** GET the payment and its event log; a 404 means Vipps does not know the reference. */
async function lookup(vipps: VippsClients, msn: string, reference: string): Promise<VippsLookup> {
  if (!vipps.msns().includes(msn)) return { error: `sales unit ${msn} is not configured` }
  const api = vipps.epayment(msn)
  try {
    const payment = await api.getPayment(reference)
    const events = await api.getEvents(reference)
    const facts = factsFromVipps(payment.state, payment.aggregate)
    return {
      found: true,
      payment: {
        ...facts,
        state: payment.state,
        currency: payment.amount.currency,
        moneyEvents: events
          .filter((e) => e.success && MONEY_EVENTS.has(e.name))
          .map((e) => ({ name: e.name, amount: e.amount.value, idempotencyKey: e.idempotencyKey ?? null })),
      },
    }
  } catch (err) {
    if (err instanceof ProviderError && err.code === 'PROVIDER_NOT_FOUND') return { found: false }
    const facts = err instanceof ProviderError && err.traceId ? ` (traceId ${err.traceId})` : ''
    return { error: `${err instanceof Error ? err.message : String(err)}${facts}` }
  }
}
