import { describe, expect, it } from 'vitest'
import type { PaymentStatus, PaymentView } from '../../../src/payments/types.js'
import { createSystemClock } from '../../../src/shared/clock.js'
import { useEngineClients } from '../../helpers/engine-clients.js'
import { type PaymentsHarness, pushPayment, startPayments } from '../../helpers/payments-harness.js'
import { useConformingFetch } from '../../helpers/recording-fetch.js'
import { useSimulator } from '../../helpers/simulator.js'
import { useTempDir } from '../../helpers/temp-dir.js'

/**
 * One case per family of Vipps codes, against the real simulator (refusals scripted through
 * /_sim/refusals, no fake of Vipps): what the engine does, and what the till's payment object
 * shows. The 10xxx family belongs to the test-only force-approve endpoint, which the engine
 * never calls (the simulator's own tests cover it).
 */

const sim = useSimulator({ rateLimitScale: 0 })
const conforming = useConformingFetch()
const tempDir = useTempDir('tillbridge-families-')
const running: PaymentsHarness[] = []
const clients = useEngineClients(sim, conforming, running)

async function engine(): Promise<PaymentsHarness> {
  const h = await startPayments({
    dir: tempDir(),
    provider: (msn) => clients().epayment(msn),
    clock: createSystemClock(),
    payments: { pollFirstDelayMs: 20, pollIntervalMs: 20, retryMinDelayMs: 20, retryMaxDelayMs: 200 },
  })
  running.push(h)
  return h
}

const script = async (body: Record<string, unknown>) =>
  expect((await sim().control('POST', '/refusals', body)).status).toBe(201)

async function until(h: PaymentsHarness, key: string, done: (p: PaymentView) => boolean): Promise<PaymentView> {
  await expect.poll(() => done(h.engine.get('till-1', key)), { timeout: 10_000, interval: 20 }).toBe(true)
  return h.engine.get('till-1', key)
}
const reach = (h: PaymentsHarness, key: string, status: PaymentStatus) => until(h, key, (p) => p.status === status)

/** A sale the customer approved (the processing window let pass), auto or manual capture. */
async function approved(h: PaymentsHarness, key: string, capture: 'auto' | 'manual'): Promise<PaymentView> {
  const { payment } = await h.engine.create('till-1', pushPayment(key, '4791234560', { capture }))
  await reach(h, key, 'pending')
  expect((await sim().control('POST', `/payments/${payment.reference}/approve`)).status).toBe(200)
  sim().advance(2001)
  return reach(h, key, capture === 'auto' ? 'captured' : 'authorized')
}

describe('each family of Vipps codes, through the engine', () => {
  it.each([
    ['4070', 'invalid phone number (4xxx)'],
    ['5080', 'PUSH_MESSAGE not allowed (5xxx)'],
    ['6010', 'amount too small (6xxx on create)'],
    ['7010', 'customer not found (7010)'],
    ['3010', 'merchant not available (3010)'],
  ])('create refused with %s, %s: the payment ends failed with the code', async (code) => {
    const h = await engine()
    await script({ operation: 'create', code })
    await h.engine.create('till-1', pushPayment(`c-${code}`))
    const p = await reach(h, `c-${code}`, 'failed')
    expect(p.failure?.code).toBe(code)
    expect(p.refusal).toBeUndefined()
  })

  it('capture refused for good (6090): given up, the till sees the refusal; the reservation is released', async () => {
    const h = await engine()
    const { payment } = await h.engine.create('till-1', pushPayment('cap', '4791234560'))
    await reach(h, 'cap', 'pending')
    await script({ operation: 'capture', code: '6090', reference: payment.reference })
    expect((await sim().control('POST', `/payments/${payment.reference}/approve`)).status).toBe(200)
    sim().advance(2001)
    const p = await reach(h, 'cap', 'cancelled')
    expect(p).toMatchObject({ captured: 0, cancelled: 12550, refusal: { operation: 'capture', code: '6090' } })
    expect(p.needsAttention).toBeUndefined()
  })

  it('"try again" (6160 on refund, twice): the same request is sent again and goes through, nothing told', async () => {
    const h = await engine()
    const sold = await approved(h, 'busy', 'auto')
    await script({ operation: 'refund', code: '6160', times: 2, reference: sold.reference })
    await h.engine.refund('till-1', 'busy', 'r1', { value: 500, currency: 'NOK' })
    const p = await until(h, 'busy', (v) => v.refunded === 500)
    expect(p.status).toBe('partially_refunded')
    expect(p.refusal).toBeUndefined()
    const refunds = sim().exchanges.filter((e) => e.path.endsWith('/refund'))
    expect(new Set(refunds.map((e) => e.requestHeaders['idempotency-key'])).size).toBe(1)
    expect(refunds.map((e) => e.status)).toEqual([400, 400, 200])
  })

  it('6250 on a cancel: retried while Vipps says so, then cancelled', async () => {
    const h = await engine()
    const { payment } = await h.engine.create('till-1', pushPayment('proc', '4791234560'))
    await reach(h, 'proc', 'pending')
    await script({ operation: 'cancel', code: '6250', times: 2, reference: payment.reference })
    await h.engine.cancel('till-1', 'proc')
    expect(await reach(h, 'proc', 'cancelled')).toMatchObject({ captured: 0, cancelled: 12550 })
  })

  it('5090 on a refund (wrong reference, any status): given up and told, not retried', async () => {
    const h = await engine()
    const sold = await approved(h, 'gone', 'auto')
    await script({ operation: 'refund', code: '5090', reference: sold.reference })
    await h.engine.refund('till-1', 'gone', 'r1', { value: 500, currency: 'NOK' })
    const p = await until(h, 'gone', (v) => v.refusal !== undefined)
    expect(p).toMatchObject({ status: 'captured', refunded: 0, refusal: { operation: 'refund', code: '5090' } })
  })

  it('a code the policy does not know (4100 on capture): read back first, the payment flagged for a person', async () => {
    const h = await engine()
    const { payment } = await h.engine.create('till-1', pushPayment('odd', '4791234560', { capture: 'manual' }))
    await reach(h, 'odd', 'pending')
    expect((await sim().control('POST', `/payments/${payment.reference}/approve`)).status).toBe(200)
    await reach(h, 'odd', 'authorized')
    await script({ operation: 'capture', code: '4100', reference: payment.reference })
    await h.engine.capture('till-1', 'odd')
    const p = await until(h, 'odd', (v) => v.needsAttention === true)
    expect(p).toMatchObject({ status: 'authorized', captured: 0, refusal: { operation: 'capture', code: '4100' } })
    const reads = sim().exchanges.filter((e) => e.method === 'GET' && e.path.endsWith(payment.reference))
    expect(reads.length).toBeGreaterThan(0)
  })

  it('gateway answers: a 429 (Azure shape) is retried after Retry-After; the capture then goes through', async () => {
    const h = await engine()
    const { payment } = await h.engine.create('till-1', pushPayment('gw', '4791234560', { capture: 'manual' }))
    await reach(h, 'gw', 'pending')
    expect((await sim().control('POST', `/payments/${payment.reference}/approve`)).status).toBe(200)
    await reach(h, 'gw', 'authorized')
    await script({ operation: 'capture', status: 429, retryAfterSeconds: 1, reference: payment.reference })
    await h.engine.capture('till-1', 'gw')
    const p = await reach(h, 'gw', 'captured')
    expect(p.refusal).toBeUndefined()
    const captures = sim().exchanges.filter((e) => e.path.endsWith('/capture'))
    expect(captures.map((e) => e.status)).toEqual([429, 200])
  })
})
