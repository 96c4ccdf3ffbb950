import { describe, expect, it } from 'vitest'
import { REFUSAL_CODES } from '../../../src/simulator/refusal-codes.js'
import type { ModificationResponse } from '../../../src/vipps/types.js'
import { DEMO, pushPayment, useSimulator, vippsCode } from '../../helpers/simulator.js'

const REF = 'ref-00000001'
const PAY = `/epayment/v1/payments/${REF}`
const nok = (value: number) => ({ currency: 'NOK', value })

/**
 * Scripted and self-produced refusals. Every answer here is checked against the official OpenAPI
 * files after each test (useSimulator), so a scripted refusal that Vipps could not give fails.
 */
describe('simulator: refusals as Vipps gives them', () => {
  const sim = useSimulator()
  const approve = () =>
    sim().vipps('POST', `/epayment/v1/test/payments/${REF}/approve`, {
      body: { customer: { phoneNumber: '4791234560' } },
    })
  const capture = (value: number, key: string) =>
    sim().vipps<ModificationResponse>('POST', `${PAY}/capture`, { key, body: { modificationAmount: nok(value) } })
  const refund = (value: number, key: string) =>
    sim().vipps<ModificationResponse>('POST', `${PAY}/refund`, { key, body: { modificationAmount: nok(value) } })
  const cancel = (key: string, body?: unknown) =>
    sim().vipps<ModificationResponse>('POST', `${PAY}/cancel`, { key, ...(body === undefined ? {} : { body }) })
  const script = (body: unknown) => sim().control('POST', '/refusals', body)

  it('every documented code can be scripted on every ePayment operation, with its status, code and traceId', async () => {
    expect((await sim().createPayment()).status).toBe(201)
    const operations: Array<[string, () => Promise<{ status: number; text: string; body: unknown }>]> = [
      ['get', () => sim().vipps('GET', PAY)],
      ['events', () => sim().vipps('GET', `${PAY}/events`)],
      ['capture', () => capture(100, 'c-1')],
      ['refund', () => refund(100, 'r-1')],
      ['cancel', () => cancel('x-1')],
      ['create', () => sim().createPayment({ reference: 'ref-00000002' }, 'create-2')],
      ['forceApprove', () => approve()],
    ]
    for (const [code, { status }] of Object.entries(REFUSAL_CODES)) {
      for (const [operation, call] of operations) {
        expect((await script({ operation, code })).status).toBe(201)
        const answer = await call()
        expect(answer.status, `${operation} ${code}`).toBe(status)
        expect(vippsCode(answer as never), `${operation} ${code}`).toBe(code)
        expect((answer.body as { traceId?: string }).traceId).toMatch(/\S/)
      }
    }
    // Nothing was done: the payment is still CREATED with an empty aggregate, and 2 was never created.
    const ledger = await sim().control<{ payments: Array<{ reference: string; state: string }> }>('GET', '/payments')
    expect(ledger.body.payments.map((p) => [p.reference, p.state])).toEqual([[REF, 'CREATED']])
  }, 60_000)

  it('a refusal is used up after `times` requests, only for its reference; GET lists, DELETE disarms', async () => {
    expect((await sim().createPayment()).status).toBe(201)
    await script({ operation: 'get', code: '5090', times: 2, reference: REF })
    await script({ operation: 'events', code: '6160', times: 5 })
    const listed = await sim().control<{ armed: Array<{ operation: string; remaining: number }> }>('GET', '/refusals')
    expect(listed.body.armed.map((a) => [a.operation, a.remaining])).toEqual([
      ['get', 2],
      ['events', 5],
    ])
    expect((await sim().vipps('GET', '/epayment/v1/payments/ref-00000009')).status).toBe(404)
    expect(vippsCode(await sim().vipps('GET', PAY))).toBe('5090')
    expect(vippsCode(await sim().vipps('GET', PAY))).toBe('5090')
    expect((await sim().vipps('GET', PAY)).status).toBe(200)
    expect((await sim().control('DELETE', '/refusals')).status).toBe(204)
    expect((await sim().vipps('GET', `${PAY}/events`)).status).toBe(200)
    const after = await sim().control<{ armed: unknown[]; answered: Record<string, number> }>('GET', '/refusals')
    expect(after.body).toEqual({ armed: [], answered: { '5090': 2 } })
  })

  it('gateway answers (401, 403, 429 without a code) have the Azure shape; the token endpoint its own', async () => {
    await sim().token()
    await script({ operation: 'get', status: 401 })
    await script({ operation: 'management', status: 403 })
    await script({ operation: 'capture', status: 429, retryAfterSeconds: 7 })
    await script({ operation: 'token', status: 401 })
    const unauthorized = await sim().vipps('GET', PAY)
    expect(unauthorized.status).toBe(401)
    expect(unauthorized.body).toEqual({ statusCode: 401, message: expect.stringContaining('Access denied') })
    const limited = await capture(100, 'c-1')
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '7'])
    expect(limited.body).toEqual({ statusCode: 429, message: expect.any(String) })
    const token = await sim().raw('POST', '/accesstoken/get', {
      headers: {
        client_id: DEMO.clientId,
        client_secret: DEMO.clientSecret,
        'ocp-apim-subscription-key': DEMO.subscriptionKey,
      },
    })
    expect(token.status).toBe(401)
    expect(token.body).toMatchObject({ error: 'unauthorized_client', error_description: expect.any(String) })
  })

  it('a request repeated under a key Vipps already answered gets its answer again, not the scripted refusal', async () => {
    expect((await sim().createPayment()).status).toBe(201)
    await script({ operation: 'create', code: '5080' })
    expect((await sim().createPayment()).status).toBe(201)
    const armed = await sim().control<{ armed: unknown[] }>('GET', '/refusals')
    expect(armed.body.armed).toHaveLength(1)
  })

  it('an unknown code, operation or a missing code and status is refused with 400 naming the field', async () => {
    const bad = [
      [{ operation: 'capture', code: '9999' }, 'code'],
      [{ operation: 'teleport', code: '6250' }, 'operation'],
      [{ operation: 'capture' }, 'code'],
    ] as const
    for (const [body, field] of bad) {
      const answer = await script(body)
      expect(answer.status).toBe(400)
      expect(answer.text).toContain(field)
    }
  })

  it('a cancel in the processing window after approval is 6250, not tied to its key; later it goes through', async () => {
    expect((await sim().createPayment()).status).toBe(201)
    expect((await approve()).status).toBe(200)
    const early = await cancel('x-1')
    expect([early.status, vippsCode(early)]).toEqual([400, '6250'])
    sim().advance(2001)
    const later = await cancel('x-1')
    expect(later.status).toBe(200)
    expect(later.body.aggregate.cancelledAmount).toEqual(nok(12550))
  })

  it('a reservation released early: capture is 6260', async () => {
    expect((await sim().createPayment()).status).toBe(201)
    await approve()
    expect((await sim().control('POST', `/payments/${REF}/release`)).status).toBe(200)
    expect(vippsCode(await capture(12550, 'c-1'))).toBe('6260')
  })

  it('a unit without partial capture refuses a partial capture with 6140 and takes the full amount', async () => {
    expect((await sim().control('PUT', `/sales-units/${DEMO.msn}`, { partialCaptureAllowed: false })).status).toBe(200)
    expect((await sim().createPayment()).status).toBe(201)
    await approve()
    expect(vippsCode(await capture(100, 'c-1'))).toBe('6140')
    expect((await capture(12550, 'c-2')).status).toBe(200)
  })

  it('an unknown reference is 404 with 5090', async () => {
    const answer = await capture(100, 'c-1')
    expect([answer.status, vippsCode(answer)]).toEqual([404, '5090'])
  })
})

describe('simulator: refusals on the simulator clock', () => {
  // A token that outlives the year the test moves through.
  const sim = useSimulator({ tokenTtlSeconds: 800 * 86_400 })
  const capture = (value: number, key: string) =>
    sim().vipps<ModificationResponse>('POST', `${PAY}/capture`, { key, body: { modificationAmount: nok(value) } })
  const refund = (value: number, key: string) =>
    sim().vipps<ModificationResponse>('POST', `${PAY}/refund`, { key, body: { modificationAmount: nok(value) } })

  it('capture after the reservation expired is 6100, refund after 365 days is 6220', async () => {
    expect((await sim().createPayment()).status).toBe(201)
    await sim().control('POST', `/payments/${REF}/approve`)
    expect((await capture(100, 'c-1')).status).toBe(200)
    sim().advance(8 * 86_400_000)
    expect(vippsCode(await capture(100, 'c-2'))).toBe('6100')
    expect((await refund(50, 'r-1')).status).toBe(200)
    sim().advance(366 * 86_400_000)
    expect(vippsCode(await refund(50, 'r-2'))).toBe('6220')
  })
})

describe('simulator: environments', () => {
  describe('test (the default)', () => {
    const sim = useSimulator()
    it('serves force-approve and no Management API', async () => {
      expect((await sim().createPayment(pushPayment())).status).toBe(201)
      const approved = await sim().vipps('POST', `/epayment/v1/test/payments/${REF}/approve`, {
        body: { customer: { phoneNumber: '4791234560' } },
      })
      expect(approved.status).toBe(200)
      expect((await sim().vipps('GET', `/management/v1/sales-units/${DEMO.msn}`)).status).toBe(404)
    })
  })
  describe('production', () => {
    const sim = useSimulator({ environment: 'production' })
    it('serves the Management API and no test-only endpoint', async () => {
      expect((await sim().vipps('GET', `/management/v1/sales-units/${DEMO.msn}`)).status).toBe(200)
      expect((await sim().createPayment()).status).toBe(201)
      const approved = await sim().vipps('POST', `/epayment/v1/test/payments/${REF}/approve`, {
        body: { customer: { phoneNumber: '4791234560' } },
      })
      expect(approved.status).toBe(404)
    })
  })
})
