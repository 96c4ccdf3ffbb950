import { describe, expect, it } from 'vitest'
import { TillbridgeError } from '../../../src/shared/errors.js'
import { TOKENS, useGateway } from '../../helpers/gateway-harness.js'
import { MemoryPayments } from '../../helpers/memory-payments.js'
import { RawTill } from '../../helpers/raw-till.js'

const startGateway = useGateway()

const create = (key: string, extra: Record<string, unknown> = {}) => ({
  type: 'payment.create',
  id: `create-${key}`,
  key,
  amount: { value: 12550, currency: 'NOK' },
  flow: 'push',
  customer: { phoneNumber: '4791234567' },
  ...extra,
})

async function setup(options: Parameters<typeof startGateway>[0] = {}) {
  const payments = new MemoryPayments()
  const harness = await startGateway({ payments, ...options })
  const till = await RawTill.hello(harness.url, { token: TOKENS['till-a'] })
  return { ...harness, payments, till }
}

describe('gateway requests', () => {
  it('payment.create answers a result, and the same key and body again is replayed', async () => {
    const { till } = await setup()
    const first = await till.request(create('sale-1'))
    expect(first).toMatchObject({
      type: 'result',
      id: 'create-sale-1',
      replayed: false,
      payment: { key: 'sale-1', status: 'queued', flow: 'push', capture: 'auto', amount: { value: 12550 } },
    })
    const again = await till.request({ ...create('sale-1'), id: 'again' })
    expect(again).toMatchObject({ type: 'result', id: 'again', replayed: true })
  })

  it('IDEMPOTENCY_CONFLICT for the same key with another body, and nothing changes', async () => {
    const { till, payments } = await setup()
    await till.request(create('sale-1'))
    const writes = payments.writes
    const conflict = await till.request({ ...create('sale-1', { amount: { value: 200, currency: 'NOK' } }), id: 'r2' })
    expect(conflict).toMatchObject({ type: 'error', id: 'r2', code: 'IDEMPOTENCY_CONFLICT', retryable: false })
    expect(payments.writes).toBe(writes)
  })

  it('payment.get, payment.capture, payment.refund and payment.cancel answer results', async () => {
    const { till, payments } = await setup()
    await till.request(create('sale-1', { capture: 'manual' }))
    expect(await till.request({ type: 'payment.get', id: 'g', key: 'sale-1' })).toMatchObject({
      type: 'result',
      replayed: false,
      payment: { key: 'sale-1', capture: 'manual' },
    })
    payments.advance('till-a', 'sale-1', { status: 'authorized' })
    expect(
      await till.request({
        type: 'payment.capture',
        id: 'c',
        key: 'sale-1',
        amount: { value: 12550, currency: 'NOK' },
      }),
    ).toMatchObject({ type: 'result', payment: { status: 'captured', captured: 12550 } })
    const refund = { type: 'payment.refund', id: 'rf', key: 'sale-1', refundKey: 'return-1' }
    expect(await till.request({ ...refund, amount: { value: 550, currency: 'NOK' } })).toMatchObject({
      type: 'result',
      payment: { status: 'partially_refunded', refunded: 550 },
    })
    expect(await till.request({ ...refund, id: 'rf2', amount: { value: 551, currency: 'NOK' } })).toMatchObject({
      type: 'error',
      code: 'IDEMPOTENCY_CONFLICT',
    })
    await till.request(create('sale-2'))
    expect(await till.request({ type: 'payment.cancel', id: 'x', key: 'sale-2' })).toMatchObject({
      type: 'result',
      payment: { key: 'sale-2', status: 'cancelled' },
    })
  })

  it('INVALID_STATE for a capture while pending; ALREADY_CAPTURED for a cancel after capture', async () => {
    const { till, payments } = await setup()
    await till.request(create('sale-1'))
    payments.advance('till-a', 'sale-1', { status: 'pending' })
    expect(await till.request({ type: 'payment.capture', id: 'c', key: 'sale-1' })).toMatchObject({
      type: 'error',
      id: 'c',
      code: 'INVALID_STATE',
      retryable: false,
    })
    payments.advance('till-a', 'sale-1', { status: 'captured', captured: 12550 })
    expect(await till.request({ type: 'payment.cancel', id: 'x', key: 'sale-1' })).toMatchObject({
      type: 'error',
      code: 'ALREADY_CAPTURED',
      retryable: false,
    })
  })

  it("another till's key is NOT_FOUND, for every request, and its events never arrive", async () => {
    const { till, url } = await setup()
    await till.request(create('sale-of-a'))
    const other = await RawTill.hello(url, { token: TOKENS['till-b'] })
    for (const type of ['payment.get', 'payment.cancel', 'payment.capture']) {
      expect(await other.request({ type, id: type, key: 'sale-of-a' })).toMatchObject({ code: 'NOT_FOUND' })
    }
    const refund = { type: 'payment.refund', id: 'rf', key: 'sale-of-a', refundKey: 'r1' }
    expect(await other.request({ ...refund, amount: { value: 1, currency: 'NOK' } })).toMatchObject({
      code: 'NOT_FOUND',
    })
    // The same key is free for till-b: it is another till's sale.
    expect(await other.request(create('sale-of-a'))).toMatchObject({ type: 'result', replayed: false })
    expect(other.events().map((e) => e.payment.reference)).toHaveLength(1)
    expect(other.frames[0]).toMatchObject({ type: 'welcome', lastSeq: 0 })
  })

  it('INVALID_MESSAGE names the field and echoes the id; the connection stays usable', async () => {
    const { till } = await setup()
    expect(await till.request(create('sale-1', { amount: { value: 0, currency: 'NOK' } }))).toEqual({
      type: 'error',
      id: 'create-sale-1',
      code: 'INVALID_MESSAGE',
      message: 'amount.value: must be an integer > 0',
      retryable: false,
    })
    till.send('{"type":"payment.get"')
    expect(await till.next((f) => f.type === 'error' && f.id === undefined)).toMatchObject({
      code: 'INVALID_MESSAGE',
      message: 'not valid JSON',
    })
    till.send({ type: 'hello', token: TOKENS['till-a'] })
    expect(await till.next((f) => f.type === 'error' && /hello/.test(f.message))).toMatchObject({
      code: 'INVALID_MESSAGE',
    })
    expect(await till.request(create('sale-1'))).toMatchObject({ type: 'result' })
  })

  it('UNAVAILABLE (retryable) when the journal cannot be written', async () => {
    const { till, payments } = await setup()
    payments.failWith = new TillbridgeError('STORAGE_FAILED', 'disk I/O error at /var/lib/x', { retryable: true })
    expect(await till.request(create('sale-1'))).toEqual({
      type: 'error',
      id: 'create-sale-1',
      code: 'UNAVAILABLE',
      message: 'the journal cannot be written now',
      retryable: true,
    })
  })

  it('INTERNAL for a bug, with a reference and no stack trace', async () => {
    const { till, payments, logText } = await setup()
    payments.failWith = new TypeError("Cannot read properties of undefined (reading 'x')")
    const error = await till.request({ type: 'payment.get', id: 'g', key: 'k' })
    expect(error).toMatchObject({ type: 'error', id: 'g', code: 'INTERNAL', retryable: true })
    const message = (error as { message: string }).message
    expect(message).toMatch(/^internal error \(ref [0-9a-f]{8}\)/)
    expect(message).not.toMatch(/TypeError|at |\.ts/)
    const ref = /ref ([0-9a-f]{8})/.exec(message)?.[1]
    expect(logText()).toContain(`"ref":"${ref}"`)
  })

  it('INTERNAL raised as a TillbridgeError is logged under a reference too, its message never sent', async () => {
    const { till, payments, logText } = await setup()
    payments.failWith = new TillbridgeError('INTERNAL', 'Maximum call stack size exceeded', { retryable: true })
    const error = await till.request(create('deep'))
    const message = (error as { message: string }).message
    expect(message).toMatch(/^internal error \(ref [0-9a-f]{8}\)/)
    expect(message).not.toContain('call stack')
    const ref = /ref ([0-9a-f]{8})/.exec(message)?.[1]
    const line = logText()
      .split('\n')
      .find((l) => l.includes(`"ref":"${ref}"`))
    expect(line).toContain('Maximum call stack size exceeded')
    expect(line).toContain('"level":"error"')
  })

  it('refuses a receipt nested 5,000 deep or over 32 KiB before anything is stored, and keeps serving', async () => {
    const { till, payments } = await setup()
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`
    till.send(
      `{"type":"payment.create","id":"deep","key":"deep","amount":{"value":100,"currency":"NOK"},"flow":"qr","receipt":${deep}}`,
    )
    expect(await till.next((f) => f.type === 'error' && f.id === 'deep')).toMatchObject({
      code: 'INVALID_MESSAGE',
      message: 'a frame may nest objects and arrays at most 16 levels deep',
    })
    const nine = JSON.parse(`${'{"a":'.repeat(9)}1${'}'.repeat(9)}`)
    expect(await till.request(create('nine', { receipt: nine }))).toMatchObject({
      code: 'INVALID_MESSAGE',
      message: 'receipt: may nest at most 8 levels deep',
    })
    const big = { orderLines: Array.from({ length: 400 }, (_, i) => ({ name: `line ${i} ${'x'.repeat(80)}` })) }
    expect(await till.request(create('big', { receipt: big }))).toMatchObject({
      code: 'INVALID_MESSAGE',
      message: 'receipt: must be at most 32768 characters as JSON',
    })
    expect(payments.writes).toBe(0)
    const fine = { orderLines: [{ name: 'coffee', totalAmount: 100, unitInfo: { quantity: '1' } }] }
    expect(await till.request(create('fine', { receipt: fine }))).toMatchObject({ type: 'result' })
  })

  it('RATE_LIMITED (retryable) past the rate, then 1008 for a till that keeps flooding', async () => {
    const { till, url } = await setup({ gateway: { maxRequestsPerSecond: 5 } })
    const calm = await RawTill.hello(url, { token: TOKENS['till-a'] })
    for (let i = 0; i < 40; i++) till.send({ type: 'payment.get', id: `g${i}`, key: 'k' })
    expect(await till.next((f) => f.type === 'error' && f.code === 'RATE_LIMITED')).toMatchObject({ retryable: true })
    expect((await till.closed).code).toBe(1008)
    expect(await calm.request({ type: 'payment.get', id: 'calm', key: 'k' })).toMatchObject({ code: 'NOT_FOUND' })
  })

  it('ack forgets events up to seq, and an ack beyond the last event is refused', async () => {
    const { till, payments, url } = await setup()
    await till.request(create('sale-1'))
    await till.request(create('sale-2'))
    await till.next((f) => f.type === 'event' && f.seq === 2)
    till.send({ type: 'ack', seq: 1 })
    till.send({ type: 'ack', seq: 9 })
    expect(await till.next((f) => f.type === 'error')).toMatchObject({
      code: 'INVALID_MESSAGE',
      message: 'seq: 9 is beyond the last event',
    })
    expect(payments.eventsAfter('till-a', 0, 10).map((e) => e.seq)).toEqual([2])
    const later = await RawTill.hello(url, { token: TOKENS['till-a'] })
    await later.next((f) => f.type === 'event')
    expect(later.events().map((e) => e.seq)).toEqual([2])
  })
})
