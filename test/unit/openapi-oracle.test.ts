import { expect, it } from 'vitest'
import { describeConformance } from '../helpers/conformance.js'
import { openApiOracle } from '../helpers/openapi.js'

const headers = {
  authorization: 'Bearer eyJhbGciOi.eyJzdWIi.c2ln',
  'ocp-apim-subscription-key': 'key',
  'merchant-serial-number': '123456',
  'idempotency-key': 'ref-123456-c',
  'content-type': 'application/json',
  'vipps-system-name': 'tillbridge',
}

const create = {
  amount: { currency: 'NOK', value: 12550 },
  paymentMethod: { type: 'WALLET' },
  reference: 'tb-abc-0001',
  userFlow: 'PUSH_MESSAGE',
  customer: { phoneNumber: '4791234567' },
  customerInteraction: 'CUSTOMER_PRESENT',
}

// The oracle is what every conformance test stands on, so it must itself refuse what it should.
describeConformance('OpenAPI oracle', () => {
  const oracle = () => openApiOracle()

  it('accepts a correct create request and refuses broken ones', () => {
    const req = { method: 'POST', path: '/epayment/v1/payments', headers }
    expect(oracle().validateRequest({ ...req, body: JSON.stringify(create) })).toEqual([])
    const twoCustomers = { ...create, customer: { phoneNumber: '4791234567', customerToken: 'x' } }
    expect(oracle().validateRequest({ ...req, body: JSON.stringify(twoCustomers) })).not.toEqual([])
    expect(oracle().validateRequest({ ...req, body: JSON.stringify({ ...create, reference: 'short' }) })).not.toEqual(
      [],
    )
    const { 'idempotency-key': _dropped, ...noKey } = headers
    expect(oracle().validateRequest({ ...req, headers: noKey, body: JSON.stringify(create) })).toEqual([
      'POST /epayment/v1/payments: required header parameter Idempotency-Key is missing',
    ])
  })

  it('knows minimumUserAge (erratum 7: newer than the saved file) and refuses a wrong one', () => {
    const req = { method: 'POST', path: '/epayment/v1/payments', headers }
    expect(oracle().validateRequest({ ...req, body: JSON.stringify({ ...create, minimumUserAge: 18 }) })).toEqual([])
    expect(oracle().validateRequest({ ...req, body: JSON.stringify({ ...create, minimumUserAge: '18' }) })).not.toEqual(
      [],
    )
  })

  it('resolves the remote receipt schema to the local Order Management file', () => {
    const req = { method: 'POST', path: '/epayment/v1/payments', headers }
    const line = {
      name: 'Cola',
      id: '1',
      totalAmount: 2500,
      totalAmountExcludingTax: 2000,
      totalTaxAmount: 500,
      taxPercentage: 25,
    }
    const receipt = { orderLines: [line], bottomLine: { currency: 'NOK', posId: 'till-1' } }
    expect(oracle().validateRequest({ ...req, body: JSON.stringify({ ...create, receipt }) })).toEqual([])
    const broken = { orderLines: [{ name: 'Cola' }], bottomLine: { currency: 'NOK' } }
    expect(oracle().validateRequest({ ...req, body: JSON.stringify({ ...create, receipt: broken }) })).not.toEqual([])
  })

  it('accepts the current cancel body and the webhooks base path', () => {
    const cancel = { method: 'POST', path: '/epayment/v1/payments/tb-abc-0001/cancel', headers }
    expect(oracle().validateRequest({ ...cancel, body: '{"cancelTransactionOnly":true}' })).toEqual([])
    expect(oracle().validateRequest({ ...cancel, body: '{"cancel":true}' })).not.toEqual([])
    expect(oracle().findOperation('GET', '/webhooks/v1/webhooks')).toBeDefined()
  })

  it('checks responses by status and content type', () => {
    const req = { method: 'POST', path: '/epayment/v1/payments' }
    const created = { status: 201, contentType: 'application/json', body: '{"reference":"tb-abc-0001"}' }
    expect(oracle().validateResponse(req, created)).toEqual([])
    expect(oracle().validateResponse(req, { ...created, body: '{}' })).not.toEqual([])
    const problem = JSON.stringify({ type: 'https://httpstatuses.io/400', title: 'Bad', status: 400, traceId: 't' })
    expect(
      oracle().validateResponse(req, { status: 400, contentType: 'application/problem+json', body: problem }),
    ).toEqual([])
    expect(oracle().validateResponse(req, { status: 400, contentType: 'application/json', body: problem })).not.toEqual(
      [],
    )
    expect(
      oracle().validateResponse(req, { status: 429, contentType: 'application/problem+json', body: problem }),
    ).toEqual([])
  })

  it('accepts a JWT access token in the token answer (format: byte erratum)', () => {
    const body = JSON.stringify({
      token_type: 'Bearer',
      expires_in: '3600',
      ext_expires_in: '0',
      expires_on: '1767272400',
      not_before: '1767268800',
      resource: 'sim',
      access_token: 'eyJhbGciOi.eyJzdWIi.c2ln',
    })
    const res = { status: 200, contentType: 'application/json', body }
    expect(openApiOracle().validateResponse({ method: 'POST', path: '/accesstoken/get' }, res)).toEqual([])
  })
})

describeConformance('OpenAPI oracle: corrections added for the simulator', () => {
  it('requires an event name in the event log (erratum 6: the spec requires a non-existent paymentAction)', () => {
    const req = { method: 'GET', path: '/epayment/v1/payments/tb-abc-0001/events' }
    const event = {
      reference: 'tb-abc-0001',
      pspReference: '1234567890',
      name: 'CREATED',
      amount: { currency: 'NOK', value: 100 },
      timestamp: '2026-01-01T12:00:00.000Z',
      idempotencyKey: null,
      success: true,
    }
    const res = (body: unknown) => ({ status: 200, contentType: 'application/json', body: JSON.stringify(body) })
    expect(openApiOracle().validateResponse(req, res([event]))).toEqual([])
    const { name: _name, ...nameless } = event
    expect(openApiOracle().validateResponse(req, res([nameless]))).not.toEqual([])
  })

  it('takes an RFC 7807 body on errors the spec lists without a body, and nothing else', () => {
    const req = { method: 'POST', path: '/accesstoken/get' }
    const problem = JSON.stringify({ type: 'https://httpstatuses.io/401', title: 'Unauthorized', status: 401 })
    const res = (contentType: string, body: string) => ({ status: 401, contentType, body })
    expect(openApiOracle().validateResponse(req, res('application/problem+json', problem))).toEqual([])
    expect(openApiOracle().validateResponse(req, res('application/problem+json', '{"error":"x"}'))).not.toEqual([])
    expect(openApiOracle().validateResponse(req, res('text/plain', 'denied'))).not.toEqual([])
  })
})
