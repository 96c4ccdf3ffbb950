import { describe, expect, it } from 'vitest'
import type { SimSalesUnit } from '../../../src/simulator/demo.js'
import type { LoggedRequest } from '../../../src/simulator/request-log.js'
import type { GetPaymentResponse, SalesUnit } from '../../../src/vipps/types.js'
import { DEMO, useSimulator, vippsCode } from '../../helpers/simulator.js'

interface LedgerEntry {
  msn: string
  reference: string
  state: string
  aggregate: GetPaymentResponse['aggregate']
  events: Array<{ name: string; idempotencyKey: string | null }>
  operations: Array<{ kind: string; idempotencyKey: string | null; amount: { value: number } }>
}

describe('simulator: control API', () => {
  const sim = useSimulator({ environment: 'production' })

  it('GET /_sim/payments is the ledger: state, aggregate, events and the operations that took effect', async () => {
    await sim().createPayment()
    await sim().control('POST', '/payments/ref-00000001/approve')
    const body = { modificationAmount: { currency: 'NOK', value: 5000 } }
    await sim().vipps('POST', '/epayment/v1/payments/ref-00000001/capture', { key: 'cap-1', body })
    await sim().vipps('POST', '/epayment/v1/payments/ref-00000001/capture', { key: 'cap-1', body })
    await sim().vipps('POST', '/epayment/v1/payments/ref-00000001/refund', {
      key: 'ref-1',
      body: { modificationAmount: { currency: 'NOK', value: 99999 } },
    })
    const ledger = (await sim().control<{ payments: LedgerEntry[] }>('GET', '/payments?msn=123456')).body.payments
    expect(ledger).toHaveLength(1)
    const entry = ledger[0]
    expect(entry).toMatchObject({ msn: DEMO.msn, reference: 'ref-00000001', state: 'AUTHORIZED' })
    expect(entry?.aggregate.capturedAmount.value).toBe(5000)
    expect(entry?.operations.map((o) => [o.kind, o.idempotencyKey, o.amount.value])).toEqual([
      ['create', 'create-ref-00000001', 12550],
      ['approve', null, 12550],
      ['capture', 'cap-1', 5000],
    ])
    expect(entry?.events.map((e) => e.name)).toEqual(['CREATED', 'AUTHORIZED', 'CAPTURED'])
    expect((await sim().control('GET', '/payments?msn=654321')).body).toEqual({ payments: [] })
  })

  it('GET /_sim/requests lists every Vipps request with secrets masked and the status answered', async () => {
    await sim().createPayment()
    await sim().control('GET', '/payments')
    const log = (await sim().control<{ requests: LoggedRequest[] }>('GET', '/requests')).body.requests
    expect(log.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /accesstoken/get 200',
      'POST /epayment/v1/payments 201',
    ])
    const text = JSON.stringify(log)
    expect(text).not.toContain(DEMO.clientSecret)
    expect(text).not.toContain(DEMO.subscriptionKey)
    expect(text).not.toContain(await sim().token())
    expect(log[1]?.headers.authorization).toMatch(/^Bearer \*{4}.{4}$/)
    expect(log[1]?.headers['idempotency-key']).toBe('create-ref-00000001')
    expect(log[1]?.body).toMatchObject({ reference: 'ref-00000001' })
    await sim().control('DELETE', '/requests')
    expect((await sim().control('GET', '/requests')).body).toEqual({ requests: [] })
  })

  it('PUT /_sim/sales-units/{msn} shapes what Management answers and what ePayment allows', async () => {
    const unit = await sim().control<SimSalesUnit>('PUT', `/sales-units/${DEMO.msn}`, { skipLandingPageAllowed: false })
    expect(unit.status).toBe(200)
    const management = await sim().vipps<SalesUnit>('GET', `/management/v1/sales-units/${DEMO.msn}`)
    expect(management.status).toBe(200)
    expect(management.headers.get('content-type')).toBe('application/json;charset=UTF-8')
    expect(management.body.configuration).toEqual({
      paymentAllowed: true,
      captureType: 'ReserveCapture',
      skipLandingPageAllowed: false,
      recurringAllowed: false,
    })
    const push = await sim().createPayment()
    expect(push.status).toBe(400)
    expect(vippsCode(push)).toBe('5080')
    expect((await sim().createPayment({ userFlow: 'QR', customer: undefined }, 'qr-key')).status).toBe(201)

    await sim().control('PUT', `/sales-units/${DEMO.msn}`, { paymentAllowed: false })
    expect((await sim().createPayment({ reference: 'ref-00000002' }, 'k2')).status).toBe(403)
  })

  it('a new sales unit is reachable with the demo keys and keeps its own references', async () => {
    expect((await sim().control('PUT', '/sales-units/654321', { currency: 'DKK', name: 'Copenhagen' })).status).toBe(
      201,
    )
    const dk = { 'merchant-serial-number': '654321' }
    const res = await sim().vipps('POST', '/epayment/v1/payments', {
      key: 'k-dk',
      headers: dk,
      body: {
        amount: { currency: 'DKK', value: 1 },
        paymentMethod: { type: 'WALLET' },
        reference: 'ref-00000001',
        userFlow: 'QR',
      },
    })
    expect(res.status).toBe(201)
    expect((await sim().createPayment()).status).toBe(201)
    expect((await sim().control('POST', '/payments/ref-00000001/approve')).status).toBe(409)
    expect((await sim().control('POST', '/payments/ref-00000001/approve?msn=654321')).status).toBe(200)
    expect((await sim().vipps<SalesUnit>('GET', '/management/v1/sales-units/654321')).body.name).toBe('Copenhagen')
  })

  it('POST /_sim/payments plants a payment as it would stand at Vipps', async () => {
    const planted = await sim().control<LedgerEntry>('POST', '/payments', {
      reference: 'ref-planted-1',
      amount: { currency: 'NOK', value: 10000 },
      state: 'AUTHORIZED',
      captured: 6000,
      refunded: 1000,
      cancelled: 4000,
    })
    expect(planted.status).toBe(201)
    expect(planted.body.events.map((e) => e.name)).toEqual([
      'CREATED',
      'AUTHORIZED',
      'CAPTURED',
      'REFUNDED',
      'CANCELLED',
    ])
    const read = await sim().vipps<GetPaymentResponse>('GET', '/epayment/v1/payments/ref-planted-1')
    expect(read.body.aggregate.cancelledAmount.value).toBe(4000)
    const more = await sim().vipps('POST', '/epayment/v1/payments/ref-planted-1/refund', {
      key: 'r2',
      body: { modificationAmount: { currency: 'NOK', value: 5001 } },
    })
    expect(vippsCode(more)).toBe('6150')
    const impossible = await sim().control('POST', '/payments', {
      reference: 'ref-planted-2',
      amount: { currency: 'NOK', value: 100 },
      state: 'EXPIRED',
      captured: 100,
    })
    expect(impossible.status).toBe(400)
    const waiting = await sim().control('POST', '/payments', {
      reference: 'ref-planted-3',
      amount: { currency: 'NOK', value: 100 },
      state: 'CREATED',
    })
    expect(waiting.status).toBe(201)
    sim().advance(600_000)
    expect((await sim().vipps<GetPaymentResponse>('GET', '/epayment/v1/payments/ref-planted-3')).body.state).toBe(
      'EXPIRED',
    )
  })

  it('answers unknown control paths and methods with 404 and 405', async () => {
    expect((await sim().control('GET', '/nothing')).status).toBe(404)
    const wrong = await sim().control('PATCH', '/faults')
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get('allow')).toContain('POST')
  })
})
