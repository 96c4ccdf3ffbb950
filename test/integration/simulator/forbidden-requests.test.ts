import { describe, expect, it } from 'vitest'
import type { ProblemBody } from '../../../src/simulator/problem.js'
import {
  type CallOptions,
  pushPayment,
  type SimulatorHarness,
  useSimulator,
  vippsCode,
} from '../../helpers/simulator.js'

interface Row {
  what: string
  method?: string
  path?: string
  body?: unknown
  key?: string | undefined
  headers?: Record<string, string | undefined>
  status: number
  code?: string
  /** Runs first: a payment to act on, time to pass. */
  setup?: (h: SimulatorHarness) => Promise<unknown> | unknown
}

const PAYMENTS = '/epayment/v1/payments'
const PAY = `${PAYMENTS}/ref-00000001`
const create = (over: Record<string, unknown>): Partial<Row> => ({ body: pushPayment(over) })
const withoutField = (name: string): Partial<Row> => {
  const body = pushPayment()
  delete body[name]
  return { body }
}
const authorized = async (h: SimulatorHarness) => {
  await h.createPayment()
  await h.control('POST', '/payments/ref-00000001/approve')
}
const capture = (body: unknown): Partial<Row> => ({ path: `${PAY}/capture`, body, key: 'cap-1', setup: authorized })
const line = { name: 'Cola', id: '1', totalAmount: 2500, totalAmountExcludingTax: 2000, totalTaxAmount: 500 }
const receipt = { orderLines: [{ ...line, taxPercentage: 25 }], bottomLine: { currency: 'NOK' } }

// Requests real Vipps refuses, with the status it answers. Every refusal is problem+json with a
// traceId, and none of them changes anything.
const rows: Row[] = [
  { what: 'create without amount', ...withoutField('amount'), status: 400 },
  { what: 'create without paymentMethod', ...withoutField('paymentMethod'), status: 400 },
  { what: 'create without reference', ...withoutField('reference'), status: 400 },
  { what: 'create without userFlow', ...withoutField('userFlow'), status: 400 },
  { what: 'reference shorter than 8', ...create({ reference: 'short' }), status: 400 },
  { what: 'reference with an underscore', ...create({ reference: 'ref_00000001' }), status: 400 },
  { what: 'reference longer than 50', ...create({ reference: 'r'.repeat(51) }), status: 400 },
  { what: 'reference as a JSON number', ...create({ reference: 12345678 }), status: 400 },
  { what: 'amount with decimals', ...create({ amount: { currency: 'NOK', value: 125.5 } }), status: 400, code: '4040' },
  { what: 'amount as a string', ...create({ amount: { currency: 'NOK', value: '12550' } }), status: 400 },
  { what: 'negative amount', ...create({ amount: { currency: 'NOK', value: -100 } }), status: 400 },
  { what: 'amount above 65 000 000', ...create({ amount: { currency: 'NOK', value: 65_000_001 } }), status: 400 },
  { what: 'unknown currency', ...create({ amount: { currency: 'SEK', value: 12550 } }), status: 400 },
  { what: 'NOK below 100 øre', ...create({ amount: { currency: 'NOK', value: 99 } }), status: 400, code: '6010' },
  {
    what: "a currency not the unit's",
    ...create({ amount: { currency: 'DKK', value: 100 } }),
    status: 400,
    code: '5040',
  },
  { what: 'unknown userFlow', ...create({ userFlow: 'SMS' }), status: 400 },
  { what: 'unknown paymentMethod.type', ...create({ paymentMethod: { type: 'CASH' } }), status: 400 },
  { what: 'unknown customerInteraction', ...create({ customerInteraction: 'IN_STORE' }), status: 400 },
  {
    what: 'two customer identifiers',
    ...create({ customer: { phoneNumber: '4791234560', personalQr: 'https://qr.vipps.no/x' } }),
    status: 400,
  },
  { what: 'an empty customer', ...create({ customer: {} }), status: 400 },
  { what: 'customer.token (a doc misspelling)', ...create({ customer: { token: 'abc' } }), status: 400 },
  { what: 'phone number with +', ...create({ customer: { phoneNumber: '+4791234560' } }), status: 400, code: '4070' },
  {
    what: 'phone number as a JSON number',
    ...create({ customer: { phoneNumber: 4791234560 } }),
    status: 400,
    code: '4070',
  },
  { what: 'personalQr shorter than 5', ...create({ customer: { personalQr: 'abc' } }), status: 400, code: '4060' },
  { what: 'PUSH_MESSAGE without customer', ...create({ customer: undefined }), status: 400, code: '4140' },
  { what: 'paymentDescription of 2 characters', ...create({ paymentDescription: 'ab' }), status: 400 },
  { what: 'paymentDescription over 100', ...create({ paymentDescription: 'x'.repeat(101) }), status: 400 },
  {
    what: 'six metadata entries',
    ...create({ metadata: Object.fromEntries([1, 2, 3, 4, 5, 6].map((i) => [`k${i}`, 'v'])) }),
    status: 400,
    code: '4100',
  },
  { what: 'a metadata value that is a number', ...create({ metadata: { till: 3 } }), status: 400 },
  { what: 'qrFormat with PUSH_MESSAGE', ...create({ qrFormat: { format: 'IMAGE/PNG' } }), status: 400 },
  {
    what: 'QR size below 100',
    ...create({ userFlow: 'QR', customer: undefined, qrFormat: { format: 'IMAGE/PNG', size: 50 } }),
    status: 400,
  },
  {
    what: 'WEB_REDIRECT without returnUrl',
    ...create({ userFlow: 'WEB_REDIRECT', customer: undefined }),
    status: 400,
    code: '4140',
  },
  {
    what: 'returnUrl over plain http',
    ...create({ userFlow: 'WEB_REDIRECT', customer: undefined, returnUrl: 'http://shop.example/back' }),
    status: 400,
    code: '4090',
  },
  { what: 'CARD outside WEB_REDIRECT', ...create({ paymentMethod: { type: 'CARD' } }), status: 400 },
  { what: 'expiresAt without receipt', ...create({ expiresAt: '2026-01-02T12:00:00Z' }), status: 400, code: '6130' },
  {
    what: 'a receipt line without its amounts and tax',
    ...create({ receipt: { orderLines: [{ name: 'Cola', id: '1' }], bottomLine: { currency: 'NOK' } } }),
    status: 400,
  },
  { what: 'a receipt without bottomLine', ...create({ receipt: { orderLines: receipt.orderLines } }), status: 400 },
  { what: 'a body that is not JSON', body: '{"amount": ', status: 400 },
  { what: 'a JSON array as body', body: [pushPayment()], status: 400 },
  {
    what: 'a customer who does not exist',
    ...create({ customer: { phoneNumber: '4791234564' } }),
    status: 400,
    code: '7010',
  },
  { what: 'create without Idempotency-Key', body: pushPayment(), key: undefined, status: 400 },
  { what: 'an Idempotency-Key over 50', body: pushPayment(), key: 'k'.repeat(51), status: 400 },
  {
    what: 'no Merchant-Serial-Number',
    body: pushPayment(),
    headers: { 'merchant-serial-number': undefined },
    status: 400,
  },
  {
    what: 'a malformed Merchant-Serial-Number',
    body: pushPayment(),
    headers: { 'merchant-serial-number': '12ab' },
    status: 400,
  },
  {
    what: "an MSN these keys don't have",
    body: pushPayment(),
    headers: { 'merchant-serial-number': '999999' },
    status: 401,
  },
  { what: 'no Authorization', body: pushPayment(), headers: { authorization: undefined }, status: 401 },
  {
    what: 'an expired token',
    body: pushPayment(),
    setup: (h) => h.advance(3_600_000),
    status: 401,
  },
  { what: 'a wrong subscription key', body: pushPayment(), headers: { 'ocp-apim-subscription-key': 'x' }, status: 401 },
  {
    what: 'Vipps-System-Name over 30',
    body: pushPayment(),
    headers: { 'vipps-system-name': 'n'.repeat(31) },
    status: 400,
  },
  {
    what: 'create sent as text/plain',
    body: JSON.stringify(pushPayment()),
    headers: { 'content-type': 'text/plain' },
    status: 415,
  },
  { what: 'capture without a body', ...capture(undefined), status: 400 },
  {
    what: 'capture with decimals',
    ...capture({ modificationAmount: { currency: 'NOK', value: 1.5 } }),
    status: 400,
    code: '4040',
  },
  {
    what: 'capture in another currency',
    ...capture({ modificationAmount: { currency: 'EUR', value: 100 } }),
    status: 400,
  },
  { what: 'capture of 0', ...capture({ modificationAmount: { currency: 'NOK', value: 0 } }), status: 400 },
  {
    what: 'refund without Idempotency-Key',
    ...capture({ modificationAmount: { currency: 'NOK', value: 1 } }),
    path: `${PAY}/refund`,
    key: undefined,
    status: 400,
  },
  {
    what: 'cancel with an unknown field',
    path: `${PAY}/cancel`,
    body: { cancel: true },
    key: 'x',
    setup: authorized,
    status: 400,
  },
  { what: 'GET with a malformed reference', method: 'GET', path: `${PAYMENTS}/bad_ref!`, status: 400 },
  {
    what: 'force approve without customer or token',
    path: '/epayment/v1/test/payments/ref-00000001/approve',
    body: {},
    setup: (h) => h.createPayment(),
    status: 400,
    code: '4140',
  },
  {
    what: 'webhook to a plain http host',
    path: '/webhooks/v1/webhooks',
    body: { url: 'http://example.com/hook', events: ['epayments.payment.captured.v1'] },
    status: 400,
  },
  {
    what: 'webhook for an unknown event',
    path: '/webhooks/v1/webhooks',
    body: { url: 'https://example.com/hook', events: ['epayments.payment.paid.v1'] },
    status: 400,
  },
  {
    what: 'webhook with an extra field',
    path: '/webhooks/v1/webhooks',
    body: { url: 'https://example.com/hook', events: ['epayments.payment.captured.v1'], secret: 'x' },
    status: 400,
  },
  { what: 'webhook delete of a non-UUID', method: 'DELETE', path: '/webhooks/v1/webhooks/42', status: 400 },
  {
    what: "a sales unit these keys don't reach",
    method: 'GET',
    path: '/management/v1/sales-units/999999',
    status: 404,
  },
]

describe('simulator: requests the spec forbids', () => {
  const sim = useSimulator()

  it('has at least 30 rows', () => {
    expect(rows.length).toBeGreaterThanOrEqual(30)
  })

  it.each(rows)('$what → $status', async (row) => {
    const h = sim()
    await h.token()
    await row.setup?.(h)
    const before = await h.control<{ payments: unknown[] }>('GET', '/payments')
    const options: CallOptions = {
      ...(row.body === undefined ? {} : { body: row.body }),
      ...(row.headers ? { headers: row.headers } : {}),
    }
    const key = 'key' in row ? row.key : 'key-1'
    if (key !== undefined) options.key = key
    const res = await h.vipps<ProblemBody>(row.method ?? 'POST', row.path ?? PAYMENTS, options)
    expect(res.status, res.text).toBe(row.status)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    expect(res.body.status).toBe(row.status)
    expect(res.body.traceId).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/)
    if (row.code) expect(vippsCode(res)).toBe(row.code)
    if (row.status === 400 && !row.code) expect(res.body.extraDetails?.length, 'names the field').toBeGreaterThan(0)
    const after = await h.control<{ payments: unknown[] }>('GET', '/payments')
    expect(after.body).toEqual(before.body)
  })
})
