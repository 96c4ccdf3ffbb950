import { z } from 'zod'
import { parseJsonBody, type SimRequest } from './http-io.js'
import { amountOf, emptyAggregate, type SimPayment } from './ledger.js'
import { problems } from './problem.js'
import { amountSchema, customerSchema, MSN_PATTERN, REFERENCE_PATTERN, userFlowSchema } from './schemas.js'
import type { SimState } from './sim-state.js'
import { parseBody } from './validate.js'

const minor = z.number().int().min(0)

/** `POST /_sim/payments`: a payment as it would stand at Vipps, for reconciliation tests. */
export const plantSchema = z.strictObject({
  msn: z.string().regex(MSN_PATTERN).optional().describe('Default: the first sales unit'),
  reference: z.string().regex(REFERENCE_PATTERN),
  amount: amountSchema,
  state: z.enum(['CREATED', 'AUTHORIZED', 'ABORTED', 'EXPIRED', 'TERMINATED']).default('AUTHORIZED'),
  captured: minor.default(0),
  refunded: minor.default(0),
  cancelled: minor.default(0),
  userFlow: userFlowSchema.default('PUSH_MESSAGE'),
  customer: customerSchema.optional(),
})

/**
 * Plants (or replaces) a payment with the events that would have led to its state. Its past
 * sends no webhooks; a planted CREATED payment then lives on like any other.
 */
export function plantPayment(state: SimState, req: SimRequest): SimPayment {
  const body = parseBody(plantSchema, parseJsonBody(req))
  const msn = body.msn ?? state.salesUnits.keys().next().value
  if (!msn || !state.salesUnits.has(msn)) throw problems.badRequest(`No sales unit ${msn ?? ''}`)
  const { currency, value } = body.amount
  const authorized = body.state === 'AUTHORIZED'
  if (!authorized && (body.captured > 0 || body.refunded > 0 || body.cancelled > 0)) {
    throw problems.badRequest('Only an AUTHORIZED payment has captured, refunded or cancelled amounts')
  }
  if (body.captured + body.cancelled > value || body.refunded > body.captured) {
    throw problems.badRequest('Need captured + cancelled <= amount and refunded <= captured')
  }
  const { life } = state
  const payment: SimPayment = {
    msn,
    reference: body.reference,
    pspReference: life.newPspReference(),
    amount: { ...body.amount },
    state: body.state,
    aggregate: emptyAggregate(currency),
    paymentMethod: 'WALLET',
    userFlow: body.userFlow,
    customerInteraction: 'CUSTOMER_PRESENT',
    token: state.ids.hex(32),
    createdAt: new Date(state.clock.now()).toISOString(),
    events: [],
    operations: [],
  }
  if (body.customer) payment.customer = body.customer
  const past = (name: Parameters<typeof life.record>[1], amount: number, psp?: string) =>
    life.record(payment, name, amountOf(currency, amount), null, psp ?? life.newPspReference(), false)
  past('CREATED', value, payment.pspReference)
  life.operation(payment, 'plant', null, payment.amount)
  if (authorized) {
    payment.aggregate = {
      authorizedAmount: amountOf(currency, value),
      capturedAmount: amountOf(currency, body.captured),
      refundedAmount: amountOf(currency, body.refunded),
      cancelledAmount: amountOf(currency, body.cancelled),
    }
    past('AUTHORIZED', value)
    if (body.captured > 0) past('CAPTURED', body.captured)
    if (body.refunded > 0) past('REFUNDED', body.refunded)
    if (body.cancelled > 0) past('CANCELLED', body.cancelled)
  } else if (body.state === 'TERMINATED') {
    payment.aggregate.cancelledAmount = amountOf(currency, value)
    past('TERMINATED', value)
  } else if (body.state !== 'CREATED') {
    past(body.state, value)
  }
  state.ledger.add(payment)
  if (body.state === 'CREATED') life.schedule(payment)
  return payment
}
