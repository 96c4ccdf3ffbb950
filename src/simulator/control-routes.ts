import { z } from 'zod'
import { plantPayment } from './control-plant.js'
import { defaultSalesUnit } from './demo.js'
import { faultSetSchema } from './faults.js'
import { type Answer, json, parseJsonBody, type SimRequest } from './http-io.js'
import type { SimPayment } from './ledger.js'
import { problems, VippsProblem } from './problem.js'
import { qrImage } from './qr.js'
import { refusalSchema } from './refusals.js'
import type { Router } from './router.js'
import { currencySchema } from './schemas.js'
import type { SimState } from './sim-state.js'
import { parseBody } from './validate.js'
import { ledgerView } from './views.js'

const clockSchema = z.strictObject({
  advanceMs: z
    .number()
    .int()
    .min(0)
    .max(366 * 86_400_000),
})

const salesUnitPatchSchema = z.strictObject({
  name: z.string().min(1).max(100).optional(),
  currency: currencySchema.optional(),
  paymentAllowed: z.boolean().optional(),
  skipLandingPageAllowed: z.boolean().optional(),
  captureType: z.enum(['ReserveCapture', 'DirectCapture', 'NotApplicable']).optional(),
  recurringAllowed: z.boolean().optional(),
  longLivingPaymentAllowed: z.boolean().optional(),
  partialCaptureAllowed: z.boolean().optional(),
})

type CustomerAction = 'approve' | 'reject' | 'expire' | 'scan'

/** The control API under /_sim: never a Vipps path, never faulted, not in the request log. */
export function addControlRoutes(router: Router, state: SimState): void {
  for (const action of ['approve', 'reject', 'expire', 'scan'] as const) {
    router.add('POST', `/_sim/payments/{reference}/${action}`, (req) => act(state, req, action))
  }
  router
    .add('GET', '/_sim/payments', (req) => {
      const msn = req.query.get('msn')
      const reference = req.query.get('reference')
      const payments = state.ledger
        .all()
        .filter((p) => (!msn || p.msn === msn) && (!reference || p.reference === reference))
      return json(200, { payments: payments.map(ledgerView) })
    })
    .add('POST', '/_sim/payments', (req) => json(201, ledgerView(plantPayment(state, req))))
    .add('GET', '/_sim/requests', () => json(200, { requests: state.requests.list() }))
    .add('DELETE', '/_sim/requests', () => {
      state.requests.clear()
      return { status: 204 }
    })
    .add('GET', '/_sim/faults', () => json(200, state.faults.current()))
    .add('POST', '/_sim/faults', (req) => {
      const faults = parseBody(faultSetSchema, parseJsonBody(req))
      try {
        state.faults.set(faults)
      } catch (err) {
        throw problems.badRequest('A paths entry is not a valid regular expression', [
          { name: 'paths', reason: (err as Error).message },
        ])
      }
      state.log.info('simulator faults set', { faults })
      return json(200, faults)
    })
    .add('DELETE', '/_sim/faults', () => {
      state.faults.clear()
      return { status: 204 }
    })
    .add('GET', '/_sim/refusals', () => json(200, { armed: state.refusals.list(), answered: state.refusals.counts() }))
    .add('POST', '/_sim/refusals', (req) => {
      const armed = state.refusals.arm(parseBody(refusalSchema, parseJsonBody(req)))
      state.log.info('simulator refusal armed', { refusal: armed })
      return json(201, armed)
    })
    .add('DELETE', '/_sim/refusals', () => {
      state.refusals.clear()
      return { status: 204 }
    })
    .add('POST', '/_sim/payments/{reference}/release', (req) => release(state, req))
    .add('GET', '/_sim/clock', () => json(200, clockView(state)))
    .add('POST', '/_sim/clock', (req) => {
      const { advanceMs } = parseBody(clockSchema, parseJsonBody(req))
      state.clock.advance(advanceMs)
      return json(200, clockView(state))
    })
    .add('GET', '/_sim/sales-units', () => json(200, { salesUnits: [...state.salesUnits.values()] }))
    .add('PUT', '/_sim/sales-units/{msn}', (req) => putSalesUnit(state, req))
    .add('GET', '/_sim/webhooks', () =>
      json(200, { registrations: state.webhooks.all(), deliveries: state.deliveries.deliveries() }),
    )
    .add('GET', '/_sim/qr/{token}', (req) => qrImage(state, req))
}

/** The customer's bank releases the reservation early: a later capture gets 6260. */
function release(state: SimState, req: SimRequest): Answer {
  const payment = findPayment(state, req)
  if (payment.state !== 'AUTHORIZED') {
    throw new VippsProblem(409, 'Conflict', {
      detail: `Payment ${payment.reference} is ${payment.state}, not AUTHORIZED`,
    })
  }
  payment.releasedEarly = true
  return json(200, ledgerView(payment))
}

function act(state: SimState, req: SimRequest, action: CustomerAction): Answer {
  const payment = findPayment(state, req)
  const { life } = state
  if (action === 'scan' && payment.userFlow !== 'QR') {
    throw problems.badRequest(`Payment ${payment.reference} is not a QR payment (userFlow ${payment.userFlow})`)
  }
  const done =
    action === 'reject' ? life.abort(payment) : action === 'expire' ? life.expire(payment) : life.authorize(payment)
  if (!done) {
    throw new VippsProblem(409, 'Conflict', { detail: `Payment ${payment.reference} is already ${payment.state}` })
  }
  return json(200, ledgerView(payment))
}

/** By reference, and by `?msn=` when the same reference exists in more than one sales unit. */
function findPayment(state: SimState, req: SimRequest): SimPayment {
  const reference = req.params.reference ?? ''
  const msn = req.query.get('msn')
  const found = state.ledger.byReference(reference).filter((p) => !msn || p.msn === msn)
  const [only, ...others] = found
  if (!only) throw problems.notFound(`No payment with reference ${reference}`)
  if (others.length > 0) {
    throw new VippsProblem(409, 'Conflict', {
      detail: `Reference ${reference} exists in several sales units; add ?msn=`,
    })
  }
  return only
}

function putSalesUnit(state: SimState, req: SimRequest): Answer {
  const msn = req.params.msn ?? ''
  if (!/^\d{4,7}$/.test(msn)) throw problems.badRequest('The MSN must be 4 to 7 digits')
  const patch = parseBody(salesUnitPatchSchema, parseJsonBody(req) ?? {})
  const existing = state.salesUnits.get(msn)
  const unit = { ...(existing ?? defaultSalesUnit(msn)), ...patch }
  state.salesUnits.set(msn, unit)
  // A new unit is reachable with the first key set (the demo keys unless configured otherwise).
  const first = state.credentials[0]
  if (!existing && first && !first.msns.includes(msn)) first.msns.push(msn)
  return json(existing ? 200 : 201, unit)
}

function clockView(state: SimState) {
  return { now: new Date(state.clock.now()).toISOString(), monotonicMs: state.clock.monotonic() }
}
