import { afterEach, describe, expect, it } from 'vitest'
import { TillClient, TillClientError } from '../../../src/client/index.js'
import type { EventFrame } from '../../../src/protocol/index.js'
import { TOKENS, useGateway } from '../../helpers/gateway-harness.js'
import { MemoryPayments } from '../../helpers/memory-payments.js'

const startGateway = useGateway()
const sale = (key: string) => ({
  key,
  amount: { value: 12550, currency: 'NOK' as const },
  flow: 'push' as const,
  customer: { phoneNumber: '4791234567' },
})
const fast = { minDelayMs: 20, maxDelayMs: 100 }

function client(url: string, extra: Partial<ConstructorParameters<typeof TillClient>[0]> = {}) {
  const c = new TillClient({ url, token: TOKENS['till-a'], reconnect: fast, requestTimeoutMs: 5000, ...extra })
  clients.push(c)
  return c
}
const clients: TillClient[] = []
// Registered after useGateway's hook, so it runs first: clients close before their daemon stops.
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
})

async function until(condition: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 10))
  }
}

describe('TillClient', () => {
  it('connects (token in the header or in hello) and creates a payment; a repeat is replayed', async () => {
    const { url } = await startGateway()
    for (const sendTokenIn of ['header', 'hello'] as const) {
      const till = client(url, { sendTokenIn })
      expect(await till.connect()).toMatchObject({ type: 'welcome', tillId: 'till-a' })
      const key = `sale-${sendTokenIn}`
      const first = await till.createPayment(sale(key))
      expect(first).toMatchObject({ replayed: false, payment: { key, status: 'queued', capture: 'auto' } })
      expect(await till.createPayment(sale(key))).toMatchObject({ replayed: true })
      await till.close()
    }
  })

  it('throws TillClientError with the protocol code', async () => {
    const { url } = await startGateway()
    const till = client(url)
    await till.connect()
    const notFound = await till.getPayment('nope').catch((e: unknown) => e)
    expect(notFound).toBeInstanceOf(TillClientError)
    expect(notFound).toMatchObject({ code: 'NOT_FOUND', retryable: false })
    await till.createPayment(sale('s1'))
    await expect(till.createPayment({ ...sale('s1'), description: 'other' })).rejects.toMatchObject({
      code: 'IDEMPOTENCY_CONFLICT',
    })
    await expect(till.createPayment({ ...sale('s2'), amount: { value: -1, currency: 'NOK' } })).rejects.toMatchObject({
      code: 'INVALID_MESSAGE',
      message: 'amount.value: must be an integer > 0',
    })
  })

  it('refuses a wrong token without retrying: UNAUTHENTICATED for a header (401) and for hello (4401)', async () => {
    const { url } = await startGateway()
    for (const sendTokenIn of ['header', 'hello'] as const) {
      const till = client(url, { token: 'wrong', sendTokenIn })
      await expect(till.connect()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' })
    }
  })

  it('handles events in order and acks each only after its handler has finished', async () => {
    const payments = new MemoryPayments()
    const { url } = await startGateway({ payments })
    const seen: number[] = []
    let release: () => void = () => {}
    const gate = new Promise<void>((r) => {
      release = r
    })
    const till = client(url, {
      onEvent: async (e: EventFrame) => {
        seen.push(e.seq)
        if (e.seq === 2) await gate
      },
    })
    await till.connect()
    await till.createPayment(sale('s1'))
    payments.advance('till-a', 's1', { status: 'pending' })
    payments.advance('till-a', 's1', { status: 'authorized' })
    await until(() => seen.length === 2)
    await new Promise((r) => setTimeout(r, 50))
    // Event 2's handler has not returned: 2 and 3 are not acked, so the mailbox still holds them.
    expect(payments.eventsAfter('till-a', 0, 10).map((e) => e.seq)).toEqual([2, 3])
    expect(seen).toEqual([1, 2])
    release()
    await until(() => payments.eventsAfter('till-a', 0, 10).length === 0)
    expect(seen).toEqual([1, 2, 3])
    expect(till.lastProcessedSeq).toBe(3)
  })

  it('reconnects after a daemon restart and resumes exactly where its handler stopped', async () => {
    const payments = new MemoryPayments()
    const first = await startGateway({ payments })
    const seen: number[] = []
    const till = client(first.url, { onEvent: (e: EventFrame) => void seen.push(e.seq) })
    await till.connect()
    await till.createPayment(sale('s1'))
    await until(() => seen.length === 1)
    await first.stop()
    for (const status of ['pending', 'authorized', 'captured'] as const) payments.advance('till-a', 's1', { status })
    // A request made while the daemon is down waits for the reconnect.
    const pendingGet = till.getPayment('s1')
    await startGateway({ payments, gateway: { port: first.port } })
    await until(() => seen.length === 4)
    expect(seen).toEqual([1, 2, 3, 4])
    expect((await pendingGet).payment.status).toBe('captured')
  })

  it('gets an event again when its handler throws, and never skips it', async () => {
    const payments = new MemoryPayments()
    const { url } = await startGateway({ payments })
    const seen: number[] = []
    const errors: string[] = []
    let failures = 1
    const till = client(url, {
      onError: (e) => errors.push(e.message),
      onEvent: (e: EventFrame) => {
        if (e.seq === 2 && failures-- > 0) throw new Error('printer jammed')
        seen.push(e.seq)
      },
    })
    await till.connect()
    await till.createPayment(sale('s1'))
    payments.advance('till-a', 's1', { status: 'pending' })
    payments.advance('till-a', 's1', { status: 'authorized' })
    await until(() => seen.length === 3)
    expect(seen).toEqual([1, 2, 3])
    expect(errors).toContain('printer jammed')
  })

  it('waitFor resolves when the payment reaches the status, and rejects with ENDED when it ends otherwise', async () => {
    const payments = new MemoryPayments()
    const { url } = await startGateway({ payments })
    const till = client(url)
    await till.connect()
    await till.createPayment(sale('s1'))
    await till.createPayment(sale('s2'))
    const captured = till.waitFor('s1', 'captured', 5000)
    const declined = till.waitFor('s2', ['authorized', 'captured'], 5000)
    payments.advance('till-a', 's1', { status: 'captured', captured: 12550 })
    payments.advance('till-a', 's2', { status: 'declined', failure: { code: 'rejected', message: 'no' } })
    expect(await captured).toMatchObject({ key: 's1', status: 'captured' })
    await expect(declined).rejects.toMatchObject({ code: 'ENDED' })
    await expect(till.waitFor('s1', 'refunded', 100)).rejects.toMatchObject({ code: 'TIMEOUT' })
    // A fresh client learns the current state from the daemon.
    const other = client(url)
    await other.connect()
    expect(await other.waitFor('s1', 'captured', 2000)).toMatchObject({ status: 'captured' })
  })
})
