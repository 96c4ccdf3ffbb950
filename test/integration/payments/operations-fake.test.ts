import { afterEach, describe, expect, it } from 'vitest'
import { errorOf } from '../../helpers/error-of.js'
import { FakeEpayment } from '../../helpers/fake-epayment.js'
import {
  advance,
  type PaymentsHarness,
  pushPayment,
  qrPayment,
  settle,
  startPayments,
} from '../../helpers/payments-harness.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const tempDir = useTempDir('tillbridge-ops-')
let h: PaymentsHarness | undefined
afterEach(async () => {
  await h?.stop()
  h = undefined
})

const nok = (value: number) => ({ value, currency: 'NOK' as const })

async function start(payments = {}) {
  const provider = new FakeEpayment()
  h = await startPayments({ dir: tempDir(), provider, payments })
  const statuses: string[] = []
  h.engine.onEvent((_t, e) => statuses.push(e.payment.status))
  return { h, provider, statuses }
}

async function authorized(harness: PaymentsHarness, provider: FakeEpayment, key: string, manual = true) {
  const { payment } = await harness.engine.create(
    'till-1',
    pushPayment(key, '4791234567', manual ? { capture: 'manual' } : {}),
  )
  await settle(harness)
  provider.approve(payment.reference)
  await advance(harness, 5000)
  return payment.reference
}

describe('cancel', () => {
  it('cancels a payment never sent at once, and nothing reaches Vipps', async () => {
    const provider = new FakeEpayment()
    h = await startPayments({ dir: tempDir(), provider, withoutWorker: true })
    await h.engine.create('till-1', pushPayment('walk-away'))
    const r = await h.engine.cancel('till-1', 'walk-away')
    expect(r.payment.status).toBe('cancelled')
    await h.worker.start()
    await settle(h)
    expect(provider.calls).toHaveLength(0)
  })

  it('cancels a pending payment with cancelTransactionOnly: cancelling, then cancelled', async () => {
    const { h, provider, statuses } = await start()
    await h.engine.create('till-1', pushPayment('abort-1'))
    await settle(h)
    expect((await h.engine.cancel('till-1', 'abort-1')).payment.status).toBe('cancelling')
    await settle(h)
    expect(h.engine.get('till-1', 'abort-1')).toMatchObject({ status: 'cancelled', cancelled: 12550 })
    expect(provider.calls.filter((c) => c.method === 'cancelPayment').map((c) => c.body)).toEqual([
      '{"cancelTransactionOnly":true}',
    ])
    expect(statuses).toEqual(['queued', 'pending', 'cancelling', 'cancelled'])
    expect((await h.engine.cancel('till-1', 'abort-1')).replayed).toBe(true)
  })

  it('sends a cancel that came while the create was in flight as soon as the create is answered', async () => {
    const { h, provider, statuses } = await start()
    const release = provider.hold('createPayment')
    await h.engine.create('till-1', pushPayment('quick'))
    await new Promise((resolve) => setTimeout(resolve, 10)) // the create is now at Vipps
    expect((await h.engine.cancel('till-1', 'quick')).payment.status).toBe('cancelling')
    release()
    await settle(h)
    expect(h.engine.get('till-1', 'quick').status).toBe('cancelled')
    expect(statuses).toEqual(['queued', 'cancelling', 'cancelled'])
    expect(provider.effectsOf('cancelPayment')).toHaveLength(1)
  })

  it('releases the reservation with a full cancel when the customer approved meanwhile (6060)', async () => {
    const { h, provider } = await start()
    const { payment } = await h.engine.create('till-1', pushPayment('race-1'))
    await settle(h)
    provider.approve(payment.reference) // before our poll sees it
    await h.engine.cancel('till-1', 'race-1')
    await settle(h)
    expect(h.engine.get('till-1', 'race-1')).toMatchObject({ status: 'cancelled', captured: 0, cancelled: 12550 })
    const bodies = provider.calls.filter((c) => c.method === 'cancelPayment').map((c) => [c.idempotencyKey, c.body])
    expect(bodies).toEqual([
      [`${payment.reference}-x1`, '{"cancelTransactionOnly":true}'],
      [`${payment.reference}-x2`, '{"cancelTransactionOnly":false}'],
    ])
    expect(provider.effectsOf('capturePayment')).toHaveLength(0)
  })

  it('answers ALREADY_CAPTURED to a cancel after capture; the till sees captured', async () => {
    const { h, provider } = await start()
    await authorized(h, provider, 'paid-1', false)
    expect(h.engine.get('till-1', 'paid-1').status).toBe('captured')
    const err = await errorOf(h.engine.cancel('till-1', 'paid-1'))
    expect(err.code).toBe('ALREADY_CAPTURED')
    expect(h.engine.get('till-1', 'paid-1').status).toBe('captured')
  })

  it('refuses to cancel what already ended without money', async () => {
    const { h, provider } = await start()
    const { payment } = await h.engine.create('till-1', pushPayment('gone', '4791234562'))
    await settle(h)
    provider.reject(payment.reference)
    await advance(h, 5000)
    expect((await errorOf(h.engine.cancel('till-1', 'gone'))).code).toBe('INVALID_STATE')
  })
})

describe('manual capture', () => {
  it('cancels an uncaptured reservation at its timeout, and the till learns cancelled', async () => {
    const { h, provider, statuses } = await start({ manualCaptureTimeoutMs: 60_000 })
    await authorized(h, provider, 'vend-1')
    await advance(h, 50_000, 5000)
    expect(h.engine.get('till-1', 'vend-1').status).toBe('authorized')
    await advance(h, 15_000, 5000)
    expect(h.engine.get('till-1', 'vend-1')).toMatchObject({ status: 'cancelled', cancelled: 12550, captured: 0 })
    expect(statuses.slice(-2)).toEqual(['cancelling', 'cancelled'])
    expect(provider.effectsOf('cancelPayment')).toHaveLength(1)
  })

  it('captures the whole amount by default and treats a repeat as a replay', async () => {
    const { h, provider } = await start()
    await authorized(h, provider, 'vend-2')
    expect((await h.engine.capture('till-1', 'vend-2')).replayed).toBe(false)
    expect((await h.engine.capture('till-1', 'vend-2')).replayed).toBe(true)
    await settle(h)
    expect(h.engine.get('till-1', 'vend-2')).toMatchObject({ status: 'captured', captured: 12550, cancelled: 0 })
    expect(provider.effectsOf('capturePayment')).toHaveLength(1)
    expect(provider.effectsOf('cancelPayment')).toHaveLength(0)
  })

  it('refuses a capture before approval, above the amount, or in another currency', async () => {
    const { h, provider } = await start()
    await h.engine.create('till-1', pushPayment('early', '4791234567', { capture: 'manual' }))
    expect((await errorOf(h.engine.capture('till-1', 'early'))).code).toBe('INVALID_STATE')
    await authorized(h, provider, 'vend-3')
    expect((await errorOf(h.engine.capture('till-1', 'vend-3', nok(20_000)))).code).toBe('INVALID_MESSAGE')
    const eur = { value: 100, currency: 'EUR' as const }
    expect((await errorOf(h.engine.capture('till-1', 'vend-3', eur))).code).toBe('INVALID_MESSAGE')
  })
})

describe('refunds', () => {
  it('runs several refunds, each once, up to what was captured', async () => {
    const { h, provider } = await start()
    await authorized(h, provider, 'sale-1', false)
    await h.engine.refund('till-1', 'sale-1', 'r-1', nok(2000))
    await h.engine.refund('till-1', 'sale-1', 'r-2', nok(550))
    await settle(h)
    expect(h.engine.get('till-1', 'sale-1')).toMatchObject({ status: 'partially_refunded', refunded: 2550 })
    expect((await errorOf(h.engine.refund('till-1', 'sale-1', 'r-3', nok(10_001)))).code).toBe('INVALID_MESSAGE')
    await h.engine.refund('till-1', 'sale-1', 'r-3', nok(10_000))
    await settle(h)
    expect(h.engine.get('till-1', 'sale-1')).toMatchObject({ status: 'refunded', refunded: 12550 })
    expect(provider.effectsOf('refundPayment').map((e) => e.amount)).toEqual([2000, 550, 10_000])
    expect((await errorOf(h.engine.refund('till-1', 'sale-1', 'r-4', nok(1)))).code).toBe('INVALID_STATE')
  })

  it('refuses refunds sent together (one group commit) once they exceed what was captured', async () => {
    const { h, provider } = await start()
    await authorized(h, provider, 'sale-1', false) // 12550 captured
    // Sent in the same tick, so the write batcher takes them into one transaction: each must see
    // the refunds before it in that same batch, not only what was committed before it.
    const results = await Promise.allSettled([
      h.engine.refund('till-1', 'sale-1', 'r-1', nok(8000)),
      h.engine.refund('till-1', 'sale-1', 'r-2', nok(4000)),
      h.engine.refund('till-1', 'sale-1', 'r-3', nok(600)),
      h.engine.refund('till-1', 'sale-1', 'r-4', nok(550)),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled'])
    const refused = results[2]
    expect(refused?.status === 'rejected' && (refused.reason as { code?: string }).code).toBe('INVALID_MESSAGE')
    await settle(h)
    expect(h.engine.get('till-1', 'sale-1')).toMatchObject({ status: 'refunded', refunded: 12550 })
    expect(provider.effectsOf('refundPayment').map((e) => e.amount)).toEqual([8000, 4000, 550])
  })

  it('refuses a refund of a payment not captured', async () => {
    const { h } = await start()
    await h.engine.create('till-1', qrPayment('qr-1'))
    expect((await errorOf(h.engine.refund('till-1', 'qr-1', 'r', nok(1)))).code).toBe('INVALID_STATE')
  })
})

describe('what a till may see', () => {
  it("answers NOT_FOUND for another till's key, for every request", async () => {
    const { h } = await start()
    await h.engine.create('till-1', pushPayment('mine'))
    const other = 'till-2'
    expect((await errorOf(() => h.engine.get(other, 'mine'))).code).toBe('NOT_FOUND')
    expect((await errorOf(h.engine.cancel(other, 'mine'))).code).toBe('NOT_FOUND')
    expect((await errorOf(h.engine.capture(other, 'mine'))).code).toBe('NOT_FOUND')
    expect((await errorOf(h.engine.refund(other, 'mine', 'r', nok(1)))).code).toBe('NOT_FOUND')
    expect(h.engine.eventsAfter(other, 0, 10)).toEqual([])
  })

  it('gives new requests UNAVAILABLE while stopping', async () => {
    const { h } = await start()
    await h.worker.stop()
    await h.engine.stop()
    const err = await errorOf(h.engine.create('till-1', pushPayment('late')))
    expect(err).toMatchObject({ code: 'UNAVAILABLE', retryable: true })
  })
})

describe("Vipps' rate limit", () => {
  it('sends at most 5 money-moving calls per reference and minute, then waits for the window', async () => {
    const { h, provider } = await start()
    const { payment } = await h.engine.create('till-1', pushPayment('many'))
    await settle(h)
    provider.approve(payment.reference)
    await advance(h, 5000) // create + auto capture: 2 of 5
    for (let i = 1; i <= 5; i++) await h.engine.refund('till-1', 'many', `r-${i}`, nok(100))
    await settle(h)
    const modifying = () => provider.calls.filter((c) => c.method !== 'getPayment').length
    expect(modifying()).toBe(5)
    await advance(h, 50_000, 5000)
    expect(modifying()).toBe(5)
    await advance(h, 6000, 1000) // the create's minute is over: one more
    expect(modifying()).toBe(6)
    await advance(h, 5000, 1000) // the capture's too
    expect(modifying()).toBe(7)
    expect(h.engine.get('till-1', 'many')).toMatchObject({ status: 'partially_refunded', refunded: 500 })
  })
})
