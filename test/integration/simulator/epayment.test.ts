import { describe, expect, it } from 'vitest'
import type { GetPaymentResponse, ModificationResponse, PaymentEvent } from '../../../src/vipps/types.js'
import { pushPayment, useSimulator, vippsCode } from '../../helpers/simulator.js'

const REF = 'ref-00000001'
const PAY = `/epayment/v1/payments/${REF}`
const nok = (value: number) => ({ currency: 'NOK', value })

describe('simulator: ePayment money rules', () => {
  const sim = useSimulator()

  /** Approves, then lets the processing window pass (a cancel inside it is 6250, tested on its own). */
  const approve = async () => {
    const answer = await sim().vipps('POST', `/epayment/v1/test/payments/${REF}/approve`, {
      body: { customer: { phoneNumber: '4791234560' } },
    })
    sim().advance(2001)
    return answer
  }
  const capture = (value: number, key: string) =>
    sim().vipps<ModificationResponse>('POST', `${PAY}/capture`, { key, body: { modificationAmount: nok(value) } })
  const refund = (value: number, key: string) =>
    sim().vipps<ModificationResponse>('POST', `${PAY}/refund`, { key, body: { modificationAmount: nok(value) } })
  const cancel = (key: string, body?: unknown) =>
    sim().vipps<ModificationResponse>('POST', `${PAY}/cancel`, { key, ...(body === undefined ? {} : { body }) })
  const get = () => sim().vipps<GetPaymentResponse>('GET', PAY)

  it('create → approve → partial captures → refund, read back from aggregate and the event log', async () => {
    const created = await sim().createPayment()
    expect(created.status).toBe(201)
    expect(created.body).toEqual({ reference: REF })
    expect((await get()).body.state).toBe('CREATED')

    expect((await approve()).status).toBe(200)
    const first = await capture(10000, 'cap-1')
    expect(first.status).toBe(200)
    expect(first.body.aggregate.capturedAmount).toEqual(nok(10000))
    expect((await capture(2550, 'cap-2')).body.aggregate.capturedAmount).toEqual(nok(12550))
    const refunded = await refund(500, 'ref-1')
    expect(refunded.status).toBe(200)
    expect(refunded.body.state).toBe('AUTHORIZED')

    const payment = (await get()).body
    expect(payment.aggregate).toEqual({
      authorizedAmount: nok(12550),
      capturedAmount: nok(12550),
      refundedAmount: nok(500),
      cancelledAmount: nok(0),
    })
    const events = (await sim().vipps<PaymentEvent[]>('GET', `${PAY}/events`)).body
    expect(events.map((e) => [e.name, e.amount.value, e.idempotencyKey])).toEqual([
      ['CREATED', 12550, `create-${REF}`],
      ['AUTHORIZED', 12550, null],
      ['CAPTURED', 10000, 'cap-1'],
      ['CAPTURED', 2550, 'cap-2'],
      ['REFUNDED', 500, 'ref-1'],
    ])
    expect(events[0]?.pspReference).toBe(payment.pspReference)
    expect(new Set(events.map((e) => e.pspReference)).size).toBe(events.length)
  })

  it('same key + same body gives the first answer again and moves no money twice', async () => {
    await sim().createPayment()
    const again = await sim().vipps('POST', '/epayment/v1/payments', {
      key: `create-${REF}`,
      // Same content in another key order is the same request.
      body: Object.fromEntries(Object.entries(pushPayment()).reverse()),
    })
    expect(again.status).toBe(201)
    await approve()
    const a = await capture(1000, 'cap-1')
    const b = await capture(1000, 'cap-1')
    expect(b.text).toBe(a.text)
    expect((await get()).body.aggregate.capturedAmount).toEqual(nok(1000))
    const ledger = await sim().control<{ payments: Array<{ operations: Array<{ kind: string }> }> }>('GET', '/payments')
    expect(ledger.body.payments[0]?.operations.map((o) => o.kind)).toEqual(['create', 'approve', 'capture'])
  })

  it('same key + a different body is a 409 and changes nothing', async () => {
    await sim().createPayment()
    const other = await sim().createPayment({ amount: nok(99900) }, `create-${REF}`)
    expect(other.status).toBe(409)
    expect(vippsCode(other)).toBe('4020')
    await approve()
    await capture(1000, 'cap-1')
    const conflict = await capture(2000, 'cap-1')
    expect(conflict.status).toBe(409)
    expect(vippsCode(conflict)).toBe('4010')
    expect((await get()).body.aggregate.capturedAmount).toEqual(nok(1000))
  })

  it('a 4xx sticks to its key even after the cause is gone', async () => {
    await sim().createPayment()
    const early = await capture(1000, 'cap-early')
    expect(early.status).toBe(400)
    expect(vippsCode(early)).toBe('6080')
    await approve()
    const retried = await capture(1000, 'cap-early')
    expect(retried.status).toBe(400)
    expect(retried.text).toBe(early.text)
    expect((await capture(1000, 'cap-new')).status).toBe(200)
  })

  it('a reference is unique per sales unit', async () => {
    await sim().createPayment()
    const dup = await sim().createPayment({}, 'another-key')
    expect(dup.status).toBe(409)
    expect(vippsCode(dup)).toBe('4150')
  })

  it('capture ≤ authorized − captured − cancelled (6090); refund ≤ captured − refunded (6150)', async () => {
    await sim().createPayment()
    await approve()
    expect(vippsCode(await capture(12551, 'c1'))).toBe('6090')
    expect(vippsCode(await refund(1, 'r0'))).toBe('6150')
    await capture(5000, 'c2')
    expect((await cancel('x1')).body.aggregate.cancelledAmount).toEqual(nok(7550))
    expect(vippsCode(await capture(1, 'c3'))).toBe('6090')
    expect((await refund(5000, 'r1')).status).toBe(200)
    expect(vippsCode(await refund(1, 'r2'))).toBe('6150')
  })

  it('cancel after full capture is 6040; cancelTransactionOnly on an authorized payment is 6060', async () => {
    await sim().createPayment()
    await approve()
    const only = await cancel('x-only', { cancelTransactionOnly: true })
    expect(only.status).toBe(400)
    expect(vippsCode(only)).toBe('6060')
    await capture(12550, 'c-all')
    const late = await cancel('x-late')
    expect(late.status).toBe(400)
    expect(vippsCode(late)).toBe('6040')
  })

  it('cancel before approval terminates the payment; the customer can no longer approve it', async () => {
    await sim().createPayment()
    const res = await cancel('x1', { cancelTransactionOnly: true })
    expect(res.status).toBe(200)
    expect(res.body.state).toBe('TERMINATED')
    expect(res.body.aggregate.cancelledAmount).toEqual(nok(12550))
    expect((await approve()).status).toBe(400)
    expect(vippsCode(await capture(100, 'c1'))).toBe('6070')
  })

  it('an unknown reference is 404 with 5090, also through another sales unit of the same keys', async () => {
    await sim().createPayment()
    await sim().control('PUT', '/sales-units/654321', {})
    const elsewhere = await sim().vipps('GET', PAY, { headers: { 'merchant-serial-number': '654321' } })
    expect(elsewhere.status).toBe(404)
    expect(vippsCode(elsewhere)).toBe('5090')
    expect((await capture(100, 'c-none')).status).toBe(400)
    const missing = await sim().vipps('POST', '/epayment/v1/payments/ref-99999999/capture', {
      key: 'c',
      body: { modificationAmount: nok(100) },
    })
    expect(missing.status).toBe(404)
  })

  it('rate-limits per reference: 5/min for create, capture, cancel, refund; 120/min for GET', async () => {
    await sim().createPayment()
    await approve()
    for (let i = 0; i < 5; i++) expect((await capture(1, `c${i}`)).status).toBe(200)
    const limited = await capture(1, 'c5')
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await refund(1, 'r1')).status).toBe(200)
    sim().advance(60_000)
    expect((await capture(1, 'c5')).status).toBe(200)
    for (let i = 0; i < 120; i++) await get()
    expect((await get()).status).toBe(429)
    expect((await sim().vipps('GET', `${PAY}/events`)).status).toBe(200)
  })
})
