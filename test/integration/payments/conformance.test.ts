import { afterEach, expect, it } from 'vitest'
import { describeConformance } from '../../helpers/conformance.js'
import { FakeEpayment, type RecordedCall } from '../../helpers/fake-epayment.js'
import { openApiOracle } from '../../helpers/openapi.js'
import {
  advance,
  type PaymentsHarness,
  pushPayment,
  qrPayment,
  settle,
  startPayments,
} from '../../helpers/payments-harness.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const tempDir = useTempDir('tillbridge-conformance-')
let h: PaymentsHarness | undefined
afterEach(async () => {
  await h?.stop()
  h = undefined
})

const PATH: Record<RecordedCall['method'], (ref: string) => [string, string]> = {
  createPayment: () => ['POST', '/epayment/v1/payments'],
  getPayment: (ref) => ['GET', `/epayment/v1/payments/${ref}`],
  capturePayment: (ref) => ['POST', `/epayment/v1/payments/${ref}/capture`],
  refundPayment: (ref) => ['POST', `/epayment/v1/payments/${ref}/refund`],
  cancelPayment: (ref) => ['POST', `/epayment/v1/payments/${ref}/cancel`],
  // The client builds this body itself; in-store-sim.test.ts checks it on the wire.
  exchangePersonalQr: () => ['POST', '/qr/v1/exchange'],
}

/**
 * The engine decides paths, Idempotency-Keys and bodies; the Vipps client adds the other headers
 * (its own tests check those). Here the headers it adds are stand-ins, and everything the engine
 * decides is checked against the official spec.
 */
function asHttp(call: RecordedCall) {
  const [method, path] = PATH[call.method](call.reference)
  const headers: Record<string, string | undefined> = {
    Authorization: 'Bearer token',
    'Ocp-Apim-Subscription-Key': 'key',
    'Merchant-Serial-Number': '123456',
    'Vipps-System-Name': 'tillbridge',
    'Vipps-System-Version': '0.1.0',
    'Vipps-System-Plugin-Name': 'tillbridge',
    'Vipps-System-Plugin-Version': '0.1.0',
    'Idempotency-Key': call.idempotencyKey,
    'Content-Type': call.body === undefined ? undefined : 'application/json',
  }
  return { method, path, headers, body: call.body }
}

describeConformance('what the engine sends fits the official ePayment spec', () => {
  it('creates, polls, captures, refunds and cancels with valid paths, keys and bodies', async () => {
    const provider = new FakeEpayment()
    provider.personalQrs.set('vipps-qr-1', '4791234561')
    h = await startPayments({ dir: tempDir(), provider })
    const extra = { description: 'Kvittering 123', metadata: { basket: '123', till: '7' } }
    const push = await h.engine.create('till-1', pushPayment('c-1', '4791234567', extra))
    const qr = await h.engine.create('till-1', qrPayment('c-2', { capture: 'manual' }))
    await h.engine.create('till-1', pushPayment('c-3', '4791234567', { customer: { personalQr: 'vipps-qr-1' } }))
    await h.engine.create('till-1', pushPayment('c-4', '4791234567', { customer: { customerToken: 'tok-1' } }))
    await settle(h)
    provider.approve(push.payment.reference)
    provider.approve(qr.payment.reference)
    await advance(h, 5000)
    await h.engine.capture('till-1', 'c-2', { value: 1000, currency: 'NOK' })
    await h.engine.refund('till-1', 'c-1', 'ret-1', { value: 100, currency: 'NOK' })
    await h.engine.cancel('till-1', 'c-3')
    await settle(h)

    const methods = new Set(provider.calls.map((c) => c.method))
    expect([...methods].sort()).toEqual([
      'cancelPayment',
      'capturePayment',
      'createPayment',
      'exchangePersonalQr',
      'getPayment',
      'refundPayment',
    ])
    const oracle = openApiOracle()
    const decided = provider.calls.filter((call) => call.method !== 'exchangePersonalQr')
    const problems = decided.flatMap((call) => oracle.validateRequest(asHttp(call)))
    expect(problems).toEqual([])
  })
})
