import { afterEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../../src/shared/manual-clock.js'
import { FakeEpayment } from '../../helpers/fake-epayment.js'
import { advance, type PaymentsHarness, pushPayment, settle, startPayments } from '../../helpers/payments-harness.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const tempDir = useTempDir('tillbridge-recovery-')
const running: PaymentsHarness[] = []
afterEach(async () => {
  for (const h of running.splice(0)) await h.stop()
})

async function start(dir: string, provider: FakeEpayment, clock: ManualClock, withoutWorker = false) {
  const h = await startPayments({ dir, provider, clock, withoutWorker })
  running.push(h)
  return h
}

async function stop(h: PaymentsHarness) {
  running.splice(running.indexOf(h), 1)
  await h.stop()
}

describe('restarts in the middle', () => {
  it('reads a create whose answer died with the daemon back by reference, and never sends it twice', async () => {
    const dir = tempDir()
    const clock = new ManualClock()
    const provider = new FakeEpayment()
    const first = await start(dir, provider, clock)
    const release = provider.hold('createPayment')
    const { payment } = await first.engine.create('till-1', pushPayment('crash-1'))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(provider.payments.has(payment.reference)).toBe(true) // Vipps has it; we never heard
    await stop(first)
    release()

    const second = await start(dir, provider, clock)
    await settle(second)
    expect(second.engine.get('till-1', 'crash-1').status).toBe('pending')
    expect(provider.calls.filter((c) => c.method === 'createPayment')).toHaveLength(1)
    expect(provider.calls.at(-1)?.method).toBe('getPayment')
  })

  it('keeps a personal QR exchange across a restart: the create goes with the stored number, no second exchange', async () => {
    const dir = tempDir()
    const clock = new ManualClock()
    const provider = new FakeEpayment()
    provider.personalQrs.set('mobilepay-token-1', '4791234560')
    const first = await start(dir, provider, clock)
    const release = provider.hold('createPayment')
    const sale = pushPayment('qr-crash', undefined, { customer: { personalQr: 'mobilepay-token-1' } })
    const { payment } = await first.engine.create('till-1', sale)
    await expect.poll(() => provider.payments.has(payment.reference)).toBe(true)
    await stop(first)
    release()
    // The token is gone now (it expired): only the journal still knows the number.
    provider.personalQrs.clear()

    const second = await start(dir, provider, clock)
    await settle(second)
    expect(second.engine.get('till-1', 'qr-crash').status).toBe('pending')
    const methods = provider.calls.map((c) => c.method)
    expect(methods.filter((m) => m === 'exchangePersonalQr')).toHaveLength(1)
    expect(methods.filter((m) => m === 'createPayment')).toHaveLength(1)
    expect(provider.payments.get(payment.reference)?.request.customer).toEqual({ phoneNumber: '4791234560' })
    // What was sent are the journal's stored bytes: the exchange result was on disk before the create.
    const stored = second.journal.db.prepare("SELECT body FROM provider_operations WHERE kind = 'create'").get() as {
      body: string
    }
    expect(provider.calls.find((c) => c.method === 'createPayment')?.body).toBe(stored.body)
  })

  it('asks again when the daemon died during the exchange: nothing was sent, the create goes once', async () => {
    const dir = tempDir()
    const clock = new ManualClock()
    const provider = new FakeEpayment()
    provider.personalQrs.set('mobilepay-token-2', '4791234560')
    const first = await start(dir, provider, clock)
    const release = provider.hold('exchangePersonalQr')
    const sale = pushPayment('qr-crash-2', undefined, { customer: { personalQr: 'mobilepay-token-2' } })
    await first.engine.create('till-1', sale)
    await expect.poll(() => provider.calls.length).toBe(1)
    await stop(first)
    release()

    const second = await start(dir, provider, clock)
    await settle(second)
    expect(second.engine.get('till-1', 'qr-crash-2').status).toBe('pending')
    const methods = provider.calls.map((c) => c.method)
    expect(methods.slice(0, 3)).toEqual(['exchangePersonalQr', 'exchangePersonalQr', 'createPayment'])
    expect(methods.filter((m) => m === 'createPayment')).toHaveLength(1)
  })

  it('continues a capture in flight with the same key and body after a restart; it happens once', async () => {
    const dir = tempDir()
    const clock = new ManualClock()
    const provider = new FakeEpayment()
    const first = await start(dir, provider, clock)
    const { payment } = await first.engine.create('till-1', pushPayment('crash-2'))
    await settle(first)
    provider.approve(payment.reference)
    const release = provider.hold('capturePayment')
    await clock.advance(5000) // the poll sees AUTHORIZED and starts the auto capture
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(provider.effectsOf('capturePayment')).toHaveLength(1) // Vipps captured; we never heard
    await stop(first)
    release()

    const before = provider.calls.length
    const second = await start(dir, provider, clock)
    await settle(second)
    expect(provider.calls[before]?.method).toBe('getPayment') // read back first, then continue
    expect(second.engine.get('till-1', 'crash-2')).toMatchObject({ status: 'captured', captured: 12550 })
    expect(provider.effectsOf('capturePayment')).toHaveLength(1)
    const captures = provider.calls.filter((c) => c.method === 'capturePayment')
    expect(new Set(captures.map((c) => `${c.idempotencyKey} ${c.body}`)).size).toBe(1)
  })

  it('continues the till sequence across restarts with no gap and no repeat', async () => {
    const dir = tempDir()
    const clock = new ManualClock()
    const provider = new FakeEpayment()
    const first = await start(dir, provider, clock)
    await first.engine.create('till-1', pushPayment('seq-1'))
    await settle(first)
    first.engine.ack('till-1', 2)
    await settle(first)
    await stop(first)

    const second = await start(dir, provider, clock)
    expect(second.engine.lastSeq('till-1')).toBe(2)
    expect(second.engine.eventsAfter('till-1', 0, 10)).toEqual([])
    await second.engine.create('till-1', pushPayment('seq-2'))
    await settle(second)
    expect(second.engine.eventsAfter('till-1', 0, 10).map((e) => e.seq)).toEqual([3, 4])
  })

  it('expires a payment that was never sent before its send deadline, without sending it', async () => {
    const dir = tempDir()
    const clock = new ManualClock()
    const provider = new FakeEpayment()
    const first = await start(dir, provider, clock, true)
    await first.engine.create('till-1', pushPayment('late-1'))
    await stop(first)
    await clock.advance(61_000)

    const second = await start(dir, provider, clock)
    await settle(second)
    expect(second.engine.get('till-1', 'late-1')).toMatchObject({
      status: 'expired',
      failure: { code: 'EXPIRED_BEFORE_SEND' },
    })
    expect(provider.calls).toHaveLength(0)
  })
})

describe('the completer', () => {
  it('gives a payment that needs work but lost its schedule a new one', async () => {
    const provider = new FakeEpayment()
    const clock = new ManualClock()
    const h = await start(tempDir(), provider, clock)
    const { payment } = await h.engine.create('till-1', pushPayment('lost'))
    await settle(h)
    h.journal.db.prepare('UPDATE payments SET next_action_at = NULL').run()
    provider.approve(payment.reference)
    await advance(h, 10_000)
    expect(h.engine.get('till-1', 'lost').status).toBe('pending') // nothing looks at it…
    await advance(h, 25_000, 5000) // …until the completer's next round (every 30 s)
    expect(h.engine.get('till-1', 'lost').status).toBe('captured')
  })
})

describe('faults', () => {
  it('resolves a create whose answer was lost (dropAfter) by reading it back: created once', async () => {
    const provider = new FakeEpayment()
    const h = await start(tempDir(), provider, new ManualClock())
    provider.fail('createPayment', 'dropAfter')
    await h.engine.create('till-1', pushPayment('drop-1'))
    await advance(h, 5000)
    expect(h.engine.get('till-1', 'drop-1').status).toBe('pending')
    expect(provider.calls.filter((c) => c.method === 'createPayment')).toHaveLength(1)
    expect(provider.payments.size).toBe(1)
  })

  it('retries a refund whose answer was lost with the same key: refunded once', async () => {
    const provider = new FakeEpayment()
    const h = await start(tempDir(), provider, new ManualClock())
    const { payment } = await h.engine.create('till-1', pushPayment('drop-2'))
    await settle(h)
    provider.approve(payment.reference)
    await advance(h, 5000)
    provider.fail('refundPayment', 'dropAfter', 'unavailable')
    await h.engine.refund('till-1', 'drop-2', 'ret', { value: 100, currency: 'NOK' })
    await advance(h, 30_000, 1000)
    expect(h.engine.get('till-1', 'drop-2')).toMatchObject({ status: 'partially_refunded', refunded: 100 })
    expect(provider.effectsOf('refundPayment')).toHaveLength(1)
    expect(provider.calls.filter((c) => c.method === 'refundPayment')).toHaveLength(3)
  })

  it('gives up on a create that never got through by its deadline, and does not send it after', async () => {
    const provider = new FakeEpayment()
    const clock = new ManualClock()
    const h = await start(tempDir(), provider, clock)
    provider.fail('createPayment', ...Array.from({ length: 100 }, () => 'dropBefore' as const))
    provider.fail('getPayment')
    await h.engine.create('till-1', pushPayment('down-1'))
    await advance(h, 60_000, 1000)
    const sentBeforeDeadline = provider.calls.filter((c) => c.method === 'createPayment').length
    expect(sentBeforeDeadline).toBeGreaterThan(1)
    await advance(h, 20_000, 1000)
    expect(h.engine.get('till-1', 'down-1')).toMatchObject({
      status: 'expired',
      failure: { code: 'EXPIRED_BEFORE_SEND' },
    })
    expect(provider.calls.filter((c) => c.method === 'createPayment')).toHaveLength(sentBeforeDeadline)
    expect(provider.payments.size).toBe(0)
  })

  it('cancels a payment whose create is in doubt once no attempt of it can still land', async () => {
    const provider = new FakeEpayment()
    const h = await startPayments({
      dir: tempDir(),
      provider,
      clock: new ManualClock(),
      providerConfig: { deadlineMs: 5000, attemptTimeoutMs: 1000 },
    })
    running.push(h)
    provider.fail('createPayment', 'dropBefore')
    await h.engine.create('till-1', pushPayment('doubt'))
    await settle(h)
    expect((await h.engine.cancel('till-1', 'doubt')).payment.status).toBe('cancelling')
    await advance(h, 5500)
    expect(h.engine.get('till-1', 'doubt').status).toBe('cancelling') // an attempt could still land
    await advance(h, 1000)
    expect(h.engine.get('till-1', 'doubt').status).toBe('cancelled')
    expect(provider.calls.filter((c) => c.method === 'createPayment')).toHaveLength(1)
    expect(provider.payments.size).toBe(0)
  })

  it('backs off while Vipps is down instead of spinning, and recovers when it is back', async () => {
    const provider = new FakeEpayment()
    const h = await start(tempDir(), provider, new ManualClock())
    const { payment } = await h.engine.create('till-1', pushPayment('flaky'))
    await settle(h)
    provider.fail('getPayment', ...Array.from({ length: 8 }, () => 'unavailable' as const))
    await advance(h, 60_000, 1000)
    const polls = provider.calls.filter((c) => c.method === 'getPayment').length
    expect(polls).toBeLessThanOrEqual(12) // every 2 s would be 28
    provider.approve(payment.reference)
    await advance(h, 300_000, 5000)
    expect(h.engine.get('till-1', 'flaky').status).toBe('captured')
  })
})
