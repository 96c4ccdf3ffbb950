import { customerId } from './customer.js'
import { authorizeMerchant, requireReference } from './guards.js'
import { type Answer, parseJsonBody, type SimRequest } from './http-io.js'
import { problems, VippsProblem } from './problem.js'
import { forceApproveSchema } from './schemas.js'
import type { SimState } from './sim-state.js'
import { parseBody } from './validate.js'

/**
 * `POST /epayment/v1/test/payments/{reference}/approve`: the test environment's way to approve
 * without an app. The body names the customer (it must be the payment's customer, if it has one)
 * or carries the token from `redirectUrl`.
 */
export function forceApprove(state: SimState, req: SimRequest): Answer {
  const { unit } = authorizeMerchant(state, req)
  const reference = requireReference(req)
  const body = parseBody(forceApproveSchema, parseJsonBody(req) ?? {})
  const payment = state.ledger.get(unit.msn, reference)
  if (!payment) throw problems.paymentNotFound(reference)
  if (!body.customer && !body.token) {
    throw new VippsProblem(400, 'Missing required parameter', {
      code: '4140',
      detail: 'Give customer or token',
      fields: [{ name: 'customer', reason: 'customer or token is required' }],
    })
  }
  if (body.token !== undefined && body.token !== payment.token) {
    throw problems.rule('10010', 'Approve failed', 'The token does not belong to this payment')
  }
  const expected = customerId(payment.customer)
  if (body.customer && expected !== undefined && customerId(body.customer) !== expected) {
    throw problems.rule('10010', 'Approve failed', 'The customer is not the customer of this payment')
  }
  if (payment.state === 'AUTHORIZED') throw problems.rule('6230', 'Payment is already reserved')
  if (!state.life.authorize(payment)) {
    throw problems.rule('10020', 'Approve not allowed', `The payment is ${payment.state}`)
  }
  return { status: 200 }
}
