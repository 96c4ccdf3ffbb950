import { checkCreateRules, createIssueCode } from './create-rules.js'
import { customerAge, customerBehaviour } from './customer.js'
import { forceApprove } from './force-approve.js'
import {
  authorizeMerchant,
  rateLimit,
  readJson,
  requireIdempotencyKey,
  requireReference,
  withIdempotency,
} from './guards.js'
import { type Answer, json, type SimRequest } from './http-io.js'
import { emptyAggregate, type SimPayment } from './ledger.js'
import { cancel, capture, DEFAULT_MONEY_RULES, type MoneyRules, refund } from './modifications.js'
import { problems, VippsProblem } from './problem.js'
import { RATE_LIMITS } from './rate-limit.js'
import type { Router } from './router.js'
import { type CreatePaymentBody, cancelSchema, createPaymentSchema, modificationSchema } from './schemas.js'
import type { SimState } from './sim-state.js'
import { parseBody } from './validate.js'
import { eventsView, modificationView, paymentView } from './views.js'

const BASE = '/epayment/v1/payments'

/** ePayment v1: create, get, events, capture, refund, cancel and the test approve endpoint. */
export function addEpaymentRoutes(router: Router, state: SimState): void {
  router
    .add('POST', BASE, (req) => createPayment(state, req))
    .add('GET', `${BASE}/{reference}`, (req) => read(state, req, 'get', (p) => paymentView(p)))
    .add('GET', `${BASE}/{reference}/events`, (req) => read(state, req, 'events', (p) => eventsView(p)))
    .add('POST', `${BASE}/{reference}/capture`, (req) =>
      modify(state, req, 'capture', '4010', (p, body, key) => {
        const { modificationAmount } = parseBody(modificationSchema, body, () => amountCode(body))
        return capture(state.life, p, modificationAmount, key, moneyRules(state, p))
      }),
    )
    .add('POST', `${BASE}/{reference}/refund`, (req) =>
      modify(state, req, 'refund', '4150', (p, body, key) => {
        const { modificationAmount } = parseBody(modificationSchema, body, () => amountCode(body))
        return refund(state.life, p, modificationAmount, key, moneyRules(state, p))
      }),
    )
    .add('POST', `${BASE}/{reference}/cancel`, (req) =>
      modify(state, req, 'cancel', '4020', (p, body, key) => {
        const { cancelTransactionOnly } = parseBody(cancelSchema, body ?? {})
        return cancel(state.life, p, cancelTransactionOnly ?? false, key, moneyRules(state, p))
      }),
    )
  // The test-only endpoint exists on the test host only, as at Vipps.
  if (state.options.environment === 'test') {
    router.add('POST', '/epayment/v1/test/payments/{reference}/approve', (req) => forceApprove(state, req))
  }
}

function moneyRules(state: SimState, payment: SimPayment): MoneyRules {
  const { processingWindowMs, reservationMs } = state.options
  const partialCaptureAllowed = state.salesUnits.get(payment.msn)?.partialCaptureAllowed ?? true
  return { ...DEFAULT_MONEY_RULES, processingWindowMs, reservationMs, partialCaptureAllowed }
}

function createPayment(state: SimState, req: SimRequest): Answer {
  const { unit } = authorizeMerchant(state, req)
  const key = requireIdempotencyKey(req)
  const { body, error } = readJson(req)
  // A missing or misspelt reference makes every create count as the same payment, as at Vipps.
  const reference = (body as { reference?: unknown } | undefined)?.reference
  rateLimit(state, `${unit.msn}|create|${String(reference)}`, RATE_LIMITS.modify)
  return withIdempotency(state, req, unit.msn, key, body, '4020', () => {
    if (error) throw error
    const valid = parseBody(createPaymentSchema, body, (issues) => createIssueCode(issues, body))
    checkCreateRules(valid, unit, state.clock.now())
    const qr = valid.customer && 'personalQr' in valid.customer ? valid.customer.personalQr : undefined
    if (qr !== undefined && state.personalQrs.isToken(qr)) {
      // MobilePay's personal QR is a token: Vipps requires the exchange (POST /qr/v1/exchange) first.
      throw problems.rule('4060', 'Invalid PersonalQr', 'A MobilePay personal QR must be exchanged before the create')
    }
    // Too young is refused exactly like unknown: Vipps does not tell the merchant why (7010).
    const tooYoung = valid.minimumUserAge != null && customerAge(valid.customer) < valid.minimumUserAge
    if (customerBehaviour(valid.customer) === 'unknown' || tooYoung) {
      throw problems.rule('7010', 'Customer not found', 'No eligible customer for this identifier')
    }
    if (state.ledger.get(unit.msn, valid.reference)) {
      throw new VippsProblem(409, 'Reference exists', {
        code: '4150',
        detail: `Reference ${valid.reference} already exists for this sales unit`,
      })
    }
    const payment = newPayment(state, unit.msn, valid)
    state.ledger.add(payment)
    state.life.begin(payment, key)
    return json(201, {
      reference: payment.reference,
      ...(payment.redirectUrl ? { redirectUrl: payment.redirectUrl } : {}),
    })
  })
}

function newPayment(state: SimState, msn: string, body: CreatePaymentBody): SimPayment {
  const token = state.ids.hex(32)
  const qrFormat = body.userFlow === 'QR' ? (body.qrFormat?.format ?? 'IMAGE/SVG+XML') : undefined
  const payment: SimPayment = {
    msn,
    reference: body.reference,
    pspReference: state.life.newPspReference(),
    amount: { ...body.amount },
    state: 'CREATED',
    aggregate: emptyAggregate(body.amount.currency),
    paymentMethod: body.paymentMethod.type,
    userFlow: body.userFlow,
    customerInteraction: body.customerInteraction ?? 'CUSTOMER_NOT_PRESENT',
    token,
    createdAt: new Date(state.clock.now()).toISOString(),
    events: [],
    operations: [],
  }
  if (body.customer) payment.customer = body.customer
  if (body.paymentDescription) payment.paymentDescription = body.paymentDescription
  if (body.metadata) payment.metadata = { ...body.metadata }
  if (body.profile?.scope) payment.profileScope = body.profile.scope
  if (qrFormat) payment.qrFormat = { format: qrFormat, size: body.qrFormat?.size ?? 1024 }
  const redirectUrl = redirectUrlFor(state, body, token)
  if (redirectUrl) payment.redirectUrl = redirectUrl
  return payment
}

/**
 * QR: the image served by the simulator (or, with TEXT/TARGETURL, the URL the code stands for).
 * Redirect flows: a landing page that does not exist. Push: none, as at Vipps.
 */
function redirectUrlFor(state: SimState, body: CreatePaymentBody, token: string): string | undefined {
  switch (body.userFlow) {
    case 'PUSH_MESSAGE':
      return undefined
    case 'QR':
      return body.qrFormat?.format === 'TEXT/TARGETURL' ? qrTargetUrl(token) : `${state.baseUrl()}/_sim/qr/${token}`
    case 'WEB_REDIRECT':
    case 'NATIVE_REDIRECT':
      return `https://landing.simulator.invalid/?token=${token}`
  }
}

/** What the customer's phone would open after scanning. */
export function qrTargetUrl(token: string): string {
  return `https://qr.simulator.invalid/v1?token=${token}`
}

function read(state: SimState, req: SimRequest, what: string, view: (p: SimPayment) => unknown): Answer {
  const { credentials, unit } = authorizeMerchant(state, req)
  const reference = requireReference(req)
  rateLimit(state, `${credentials.subscriptionKey}|${what}|${reference}`, RATE_LIMITS.read)
  const payment = state.ledger.get(unit.msn, reference)
  if (!payment) throw problems.paymentNotFound(reference)
  return json(200, view(payment))
}

/** The shared path of capture, refund and cancel; `apply` returns the new event's pspReference. */
function modify(
  state: SimState,
  req: SimRequest,
  what: string,
  conflictCode: string,
  apply: (payment: SimPayment, body: unknown, key: string) => string,
): Answer {
  const { unit } = authorizeMerchant(state, req)
  const reference = requireReference(req)
  const key = requireIdempotencyKey(req)
  const { body, error } = readJson(req)
  rateLimit(state, `${unit.msn}|${what}|${reference}`, RATE_LIMITS.modify)
  return withIdempotency(state, req, unit.msn, key, body, conflictCode, () => {
    if (error) throw error
    const payment = state.ledger.get(unit.msn, reference)
    if (!payment) throw problems.paymentNotFound(reference)
    const pspReference = apply(payment, body, key)
    return json(200, modificationView(payment, pspReference))
  })
}

/** 4040: an amount with decimals. */
function amountCode(body: unknown): string | undefined {
  const value = (body as { modificationAmount?: { value?: unknown } } | undefined)?.modificationAmount?.value
  return typeof value === 'number' && !Number.isInteger(value) ? '4040' : undefined
}
