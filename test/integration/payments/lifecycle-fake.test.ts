import { afterEach, describe, expect, it } from 'vitest'
import { ACK_DELAY_MS } from '../../../src/payments/ack-coalescer.js'
import type { TillEvent } from '../../../src/payments/types.js'
import { TillbridgeError } from '../../../src/shared/errors.js'
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

const tempDir = useTempDir('tillbridge-payments-')
let h: PaymentsHarness | undefined
afterEach(async () => {
  await h?.stop()
  h = undefined
})

async function start(provider = new FakeEpayment()) {
  h = await startPayments({ dir: tempDir(), provider })
  const events: TillEvent[] = []
  h.engine.onEvent((_till, e) => events.push(e))
  return { h, provider, events, statuses: () => events.map((e) => e.payment.status) }
}

describe('payment lifecycles (fake Vipps)', () => {
  it('push + auto: queued, pending, authorized, captured; one create and one capture at Vipps', async () => {
    const { h, provider, statuses } = await start()
    const accepted = await h.engine.create('till-1', pushPayment('sale-1'))
    expect(accepted.replayed).toBe(false)
    expect(accepted.payment.status).toBe('queued')
    await settle(h)
    expect(h.engine.get('till-1', 'sale-1').status).toBe('pending')

    provider.approve(accepted.payment.reference)
    await advance(h, 5000)
    const done = h.engine.get('till-1', 'sale-1')
    expect(done).toMatchObject({ status: 'captured', captured: 12550, refunded: 0, cancelled: 0 })
    expect(statuses()).toEqual(['queued', 'pending', 'authorized', 'captured'])
    expect(provider.effectsOf('capturePayment')).toHaveLength(1)
    expect(provider.calls.filter((c) => c.method === 'createPayment')).toHaveLength(1)
    expect(h.engine.eventsAfter('till-1', 0, 100).map((e) => e.seq)).toEqual([1, 2, 3, 4])
  })

  it('qr + manual: the till gets the QR URL, captures part, and the rest is released', async () => {
    const { h, provider, statuses } = await start()
    const { payment } = await h.engine.create('till-1', qrPayment('vend-1', { capture: 'manual' }))
    await settle(h)
    const pending = h.engine.get('till-1', 'vend-1')
    expect(pending.status).toBe('pending')
    expect(pending.qr?.url).toContain(payment.reference)

    provider.approve(payment.reference)
    await advance(h, 5000)
    expect(h.engine.get('till-1', 'vend-1').status).toBe('authorized')
    const capture = await h.engine.capture('till-1', 'vend-1', { value: 3000, currency: 'NOK' })
    expect(capture.payment.status).toBe('authorized')
    await settle(h)
    expect(h.engine.get('till-1', 'vend-1')).toMatchObject({ status: 'captured', captured: 3000, cancelled: 2000 })
    expect(statuses()).toEqual(['queued', 'pending', 'authorized', 'captured', 'captured'])
    const cancels = provider.calls.filter((c) => c.method === 'cancelPayment')
    expect(cancels.map((c) => c.body)).toEqual(['{"cancelTransactionOnly":false}'])
  })

  it('a rejected payment ends declined and an ignored one expired, each with its failure', async () => {
    const { h, provider } = await start()
    const a = await h.engine.create('till-1', pushPayment('no-1', '4791234562'))
    const b = await h.engine.create('till-1', pushPayment('no-2', '4791234563'))
    await settle(h)
    provider.reject(a.payment.reference)
    provider.expire(b.payment.reference)
    await advance(h, 5000)
    expect(h.engine.get('till-1', 'no-1')).toMatchObject({ status: 'declined', failure: { code: 'ABORTED' } })
    expect(h.engine.get('till-1', 'no-2')).toMatchObject({ status: 'expired', failure: { code: 'EXPIRED' } })
  })

  it('a customer Vipps does not know (7010) fails with that code and is not sent again', async () => {
    const { h, provider } = await start()
    await h.engine.create('till-1', pushPayment('unknown', '4791234564'))
    await advance(h, 60_000, 5000)
    expect(h.engine.get('till-1', 'unknown')).toMatchObject({ status: 'failed', failure: { code: '7010' } })
    expect(provider.calls.filter((c) => c.method === 'createPayment')).toHaveLength(1)
  })

  it('polls first after pollFirstDelayMs, then every pollIntervalMs', async () => {
    const { h, provider } = await start()
    await h.engine.create('till-1', pushPayment('poll-1'))
    await settle(h)
    const gets = () => provider.calls.filter((c) => c.method === 'getPayment').length
    await advance(h, 4750)
    expect(gets()).toBe(0)
    await advance(h, 250)
    expect(gets()).toBe(1)
    await advance(h, 6000)
    expect(gets()).toBe(4)
  })

  it('summarises the payments for the status page and metrics', async () => {
    const { h, provider } = await start()
    const a = await h.engine.create('till-1', pushPayment('s-1'))
    await h.engine.create('till-2', qrPayment('s-2'))
    await settle(h)
    provider.approve(a.payment.reference)
    await advance(h, 4000)
    const summary = h.engine.summary()
    expect(summary.byStatus).toEqual({ pending: 2 })
    expect(summary.oldestUnfinishedAgeSeconds).toBe(4)
    expect(summary.eventsUnacked).toBe(4)
    expect(summary.recent.map((r) => r.key).sort()).toEqual(['s-1', 's-2'])
    await advance(h, 1000)
    expect(h.engine.summary()).toMatchObject({ byStatus: { captured: 1, pending: 1 }, eventsUnacked: 6 })
    h.engine.ack('till-2', 2)
    // Acks share one COMMIT, at most ACK_DELAY_MS later.
    await advance(h, ACK_DELAY_MS)
    expect(h.engine.summary().eventsUnacked).toBe(4)
  })

  it('fails a payment whose sales unit has no Vipps client, instead of retrying forever', async () => {
    h = await startPayments({
      dir: tempDir(),
      provider: (msn: string) => {
        throw new TillbridgeError('CONFIG_INVALID', `no sales unit with MSN ${msn} is configured`)
      },
    })
    await h.engine.create('till-1', pushPayment('nowhere'))
    await settle(h)
    expect(h.engine.get('till-1', 'nowhere')).toMatchObject({ status: 'failed', failure: { code: 'CONFIG_INVALID' } })
  })
})
