import type { GetPaymentResponse, ModificationResponse, PaymentEvent } from '../vipps/types.js'
import type { SimPayment } from './ledger.js'

/** `GET /epayment/v1/payments/{reference}`. */
export function paymentView(p: SimPayment): GetPaymentResponse {
  return {
    aggregate: structuredClone(p.aggregate),
    amount: { ...p.amount },
    state: p.state,
    paymentMethod: { type: p.paymentMethod },
    // `sub` appears once a payment that asked for a profile is authorized.
    profile: p.profileScope && p.state === 'AUTHORIZED' ? { sub: `sim-${p.pspReference}` } : {},
    pspReference: p.pspReference,
    reference: p.reference,
    ...(p.redirectUrl ? { redirectUrl: p.redirectUrl } : {}),
    ...(p.metadata ? { metadata: { ...p.metadata } } : {}),
  }
}

/** The 200 answer of capture, refund and cancel. */
export function modificationView(p: SimPayment, pspReference: string): ModificationResponse {
  return {
    amount: { ...p.amount },
    state: p.state,
    aggregate: structuredClone(p.aggregate),
    pspReference,
    reference: p.reference,
  }
}

export function eventsView(p: SimPayment): PaymentEvent[] {
  return p.events.map((e) => ({ ...e, amount: { ...e.amount } }))
}

/** One entry of `GET /_sim/payments`: everything the simulator knows about a payment. */
export function ledgerView(p: SimPayment) {
  return {
    msn: p.msn,
    reference: p.reference,
    pspReference: p.pspReference,
    state: p.state,
    amount: { ...p.amount },
    aggregate: structuredClone(p.aggregate),
    userFlow: p.userFlow,
    customer: p.customer ? { ...p.customer } : null,
    customerInteraction: p.customerInteraction,
    paymentDescription: p.paymentDescription ?? null,
    redirectUrl: p.redirectUrl ?? null,
    token: p.token,
    createdAt: p.createdAt,
    events: eventsView(p),
    operations: p.operations.map((o) => ({ ...o, amount: { ...o.amount } })),
  }
}
