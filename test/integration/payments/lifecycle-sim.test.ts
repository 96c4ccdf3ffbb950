import { describe, expect, it } from 'vitest'
import type { PaymentStatus } from '../../../src/payments/types.js'
import { createSystemClock } from '../../../src/shared/clock.js'
import type { FaultSet } from '../../../src/simulator/faults.js'
import { useEngineClients } from '../../helpers/engine-clients.js'
import { errorOf } from '../../helpers/error-of.js'
import { type PaymentsHarness, pushPayment, qrPayment, startPayments } from '../../helpers/payments-harness.js'
import { useConformingFetch } from '../../helpers/recording-fetch.js'
import { useSimulator } from '../../helpers/simulator.js'
import { useTempDir } from '../../helpers/temp-dir.js'

/**
 * The engine with the real Vipps client against the real simulator, on a real journal file. The
 * simulator runs on its own manual clock, so customers act only when a test says so (control
 * API); the engine runs on real time with short poll intervals.
 */

const sim = useSimulator({ rateLimitScale: 0 })
const conforming = useConformingFetch()
const tempDir = useTempDir('tillbridge-sim-')
const POLL = { pollFirstDelayMs: 20, pollIntervalMs: 20 }
const nok = (value: number) => ({ value, currency: 'NOK' as const })
const running: Array<{ stop(): Promise<void> }> = []
const clients = useEngineClients(sim, conforming, running)

async function engine(dir = tempDir(), payments: Record<string, number> = {}): Promise<PaymentsHarness> {
  const h = await startPayments({
    dir,
    provider: (msn) => clients().epayment(msn),
    clock: createSystemClock(),
    payments: { ...POLL, ...payments },
  })
  running.push(h)
  return h
}

async function stop(h: PaymentsHarness): Promise<void> {
  running.splice(running.indexOf(h), 1)
  await h.stop()
}

async function reach(h: PaymentsHarness, key: string, status: PaymentStatus) {
  await expect.poll(() => h.engine.get('till-1', key).status, { timeout: 5000, interval: 10 }).toBe(status)
  return h.engine.get('till-1', key)
}

async function act(reference: string, action: 'approve' | 'reject' | 'expire' | 'scan') {
  const r = await sim().control('POST', `/payments/${reference}/${action}`)
  expect(r.status, r.text).toBeLessThan(300)
  // The simulator's clock is manual: let Vipps' processing window after an approval (a cancel in
  // it gets 6250, tested in refusals-daemon.test.ts) pass, as real time would.
  if (action === 'approve' || action === 'scan') sim().advance(2001)
}

interface LedgerEntry {
  reference: string
  state: string
  operations: Array<{ kind: string; idempotencyKey: string | null; amount: { value: number } }>
}

async function ledger(reference: string): Promise<LedgerEntry | undefined> {
  const all = (await sim().control<{ payments: LedgerEntry[] }>('GET', '/payments')).body.payments
  return all.find((p) => p.reference === reference)
}

async function ops(reference: string): Promise<string[]> {
  return ((await ledger(reference))?.operations ?? []).map((o) => `${o.kind}:${o.amount.value}`)
}

async function faults(set: FaultSet): Promise<void> {
  expect((await sim().control('POST', '/faults', set)).status).toBeLessThan(300)
}

describe('lifecycles against the simulator', () => {
  it('push + auto: approved, captured once', async () => {
    const h = await engine()
    const { payment } = await h.engine.create('till-1', pushPayment('p-auto'))
    await reach(h, 'p-auto', 'pending')
    await act(payment.reference, 'approve')
    expect(await reach(h, 'p-auto', 'captured')).toMatchObject({ captured: 12550, cancelled: 0 })
    expect(await ops(payment.reference)).toEqual(['create:12550', 'approve:12550', 'capture:12550'])
  })

  it('qr + auto: the till gets the QR URL; scanned, captured', async () => {
    const h = await engine()
    const { payment } = await h.engine.create('till-1', qrPayment('q-auto'))
    const pending = await reach(h, 'q-auto', 'pending')
    expect(pending.qr?.url).toMatch(/^https?:\/\//)
    await act(payment.reference, 'scan')
    expect(await reach(h, 'q-auto', 'captured')).toMatchObject({ captured: 5000 })
  })

  it('push + manual: approved, partly captured, the rest released', async () => {
    const h = await engine()
    const { payment } = await h.engine.create('till-1', pushPayment('p-man', '4791234567', { capture: 'manual' }))
    await reach(h, 'p-man', 'pending')
    await act(payment.reference, 'approve')
    await reach(h, 'p-man', 'authorized')
    await h.engine.capture('till-1', 'p-man', nok(10_000))
    await expect.poll(() => h.engine.get('till-1', 'p-man').cancelled, { timeout: 5000 }).toBe(2550)
    expect(h.engine.get('till-1', 'p-man')).toMatchObject({ status: 'captured', captured: 10_000 })
    expect(await ops(payment.reference)).toEqual(['create:12550', 'approve:12550', 'capture:10000', 'cancel:2550'])
  })

  it('qr + manual: scanned, captured whole, nothing to release', async () => {
    const h = await engine()
    const { payment } = await h.engine.create('till-1', qrPayment('q-man', { capture: 'manual' }))
    await reach(h, 'q-man', 'pending')
    await act(payment.reference, 'scan')
    await reach(h, 'q-man', 'authorized')
    await h.engine.capture('till-1', 'q-man')
    expect(await reach(h, 'q-man', 'captured')).toMatchObject({ captured: 5000, cancelled: 0 })
    expect(await ops(payment.reference)).toEqual(['create:5000', 'approve:5000', 'capture:5000'])
  })

  it('declined when the customer rejects, expired when nobody acts', async () => {
    const h = await engine()
    const a = await h.engine.create('till-1', pushPayment('no'))
    const b = await h.engine.create('till-1', pushPayment('late', '4791234568'))
    await reach(h, 'no', 'pending')
    await reach(h, 'late', 'pending')
    await act(a.payment.reference, 'reject')
    await act(b.payment.reference, 'expire')
    expect(await reach(h, 'no', 'declined')).toMatchObject({ failure: { code: 'ABORTED' } })
    expect(await reach(h, 'late', 'expired')).toMatchObject({ failure: { code: 'EXPIRED' } })
  })

  it('fails with 7010 when Vipps does not know the customer; nothing exists at Vipps', async () => {
    const h = await engine()
    const { payment } = await h.engine.create('till-1', pushPayment('who', '4791234564'))
    expect(await reach(h, 'who', 'failed')).toMatchObject({ failure: { code: '7010' } })
    expect(await ledger(payment.reference)).toBeUndefined()
  })

  it('cancels a payment nobody approved yet (transaction only): TERMINATED at Vipps', async () => {
    const h = await engine()
    const { payment } = await h.engine.create('till-1', pushPayment('c-1'))
    await reach(h, 'c-1', 'pending')
    await h.engine.cancel('till-1', 'c-1')
    expect(await reach(h, 'c-1', 'cancelled')).toMatchObject({ cancelled: 12550, captured: 0 })
    expect((await ledger(payment.reference))?.state).toBe('TERMINATED')
  })

  it('releases the reservation with a full cancel when the customer approved meanwhile (6060)', async () => {
    const h = await engine(tempDir(), { pollFirstDelayMs: 60_000 }) // our poll does not see the approval
    const { payment } = await h.engine.create('till-1', pushPayment('c-2'))
    await reach(h, 'c-2', 'pending')
    await act(payment.reference, 'approve')
    await h.engine.cancel('till-1', 'c-2')
    expect(await reach(h, 'c-2', 'cancelled')).toMatchObject({ cancelled: 12550, captured: 0 })
    const at = await ledger(payment.reference)
    expect(at?.operations.map((o) => [o.kind, o.idempotencyKey])).toEqual([
      ['create', `${payment.reference}-c`],
      ['approve', null],
      ['cancel', `${payment.reference}-x2`],
    ])
  })

  it('answers ALREADY_CAPTURED to a cancel after capture', async () => {
    const h = await engine()
    const { payment } = await h.engine.create('till-1', pushPayment('c-3'))
    await reach(h, 'c-3', 'pending')
    await act(payment.reference, 'approve')
    await reach(h, 'c-3', 'captured')
    expect((await errorOf(h.engine.cancel('till-1', 'c-3'))).code).toBe('ALREADY_CAPTURED')
    expect(await ops(payment.reference)).toEqual(['create:12550', 'approve:12550', 'capture:12550'])
  })

  it('refunds several times, each once', async () => {
    const h = await engine()
    const { payment } = await h.engine.create('till-1', pushPayment('r'))
    await reach(h, 'r', 'pending')
    await act(payment.reference, 'approve')
    await reach(h, 'r', 'captured')
    await h.engine.refund('till-1', 'r', 'ret-1', nok(2000))
    await h.engine.refund('till-1', 'r', 'ret-2', nok(550))
    await h.engine.refund('till-1', 'r', 'ret-1', nok(2000)) // a till's retry
    await expect.poll(() => h.engine.get('till-1', 'r').refunded, { timeout: 5000 }).toBe(2550)
    await h.engine.refund('till-1', 'r', 'ret-3', nok(10_000))
    expect(await reach(h, 'r', 'refunded')).toMatchObject({ refunded: 12550 })
    expect((await ops(payment.reference)).filter((o) => o.startsWith('refund'))).toEqual([
      'refund:2000',
      'refund:550',
      'refund:10000',
    ])
  })

  it('cancels a manual reservation nobody captured in time', async () => {
    const h = await engine(tempDir(), { manualCaptureTimeoutMs: 200 })
    const { payment } = await h.engine.create('till-1', pushPayment('m', '4791234567', { capture: 'manual' }))
    await reach(h, 'm', 'pending')
    await act(payment.reference, 'approve')
    expect(await reach(h, 'm', 'cancelled')).toMatchObject({ cancelled: 12550, captured: 0 })
  })
})

describe('faults and restarts against the simulator', () => {
  it('creates once when the answer to the create is lost (dropAfter)', async () => {
    const h = await engine()
    await faults({ dropAfterRate: 1, paths: ['^/epayment/v1/payments$'] })
    const { payment } = await h.engine.create('till-1', pushPayment('d-1'))
    await expect.poll(async () => (await ledger(payment.reference))?.state, { timeout: 5000 }).toBe('CREATED')
    await sim().control('DELETE', '/faults')
    await reach(h, 'd-1', 'pending')
    expect(await ops(payment.reference)).toEqual(['create:12550'])
  })

  it('refunds once when the answer to the refund is lost (dropAfter)', async () => {
    const h = await engine()
    const { payment } = await h.engine.create('till-1', pushPayment('d-2'))
    await reach(h, 'd-2', 'pending')
    await act(payment.reference, 'approve')
    await reach(h, 'd-2', 'captured')
    await faults({ dropAfterRate: 1, paths: ['^/epayment/v1/payments/[^/]+/refund$'] })
    await h.engine.refund('till-1', 'd-2', 'ret', nok(100))
    await expect
      .poll(async () => (await ops(payment.reference)).filter((o) => o.startsWith('refund')))
      .toEqual(['refund:100'])
    await sim().control('DELETE', '/faults')
    await expect.poll(() => h.engine.get('till-1', 'd-2').refunded, { timeout: 5000 }).toBe(100)
    expect((await ops(payment.reference)).filter((o) => o.startsWith('refund'))).toEqual(['refund:100'])
  })

  it('after a restart in the middle of a capture, reads back, continues with the same key, captures once', async () => {
    const dir = tempDir()
    const first = await engine(dir)
    const { payment } = await first.engine.create('till-1', pushPayment('x-1'))
    await reach(first, 'x-1', 'pending')
    const seqBefore = first.engine.lastSeq('till-1')
    // The capture reaches Vipps but waits there (latency on the simulator's own clock)…
    await faults({ latencyMs: 60_000, paths: ['^/epayment/v1/payments/[^/]+/capture$'] })
    await act(payment.reference, 'approve')
    await expect
      .poll(() =>
        first.journal.db.prepare("SELECT state FROM provider_operations WHERE kind = 'capture'").pluck().get(),
      )
      .toBe('sending')
    await new Promise((resolve) => setTimeout(resolve, 200)) // the request reaches the simulator
    await stop(first) // …and the daemon stops without hearing the answer.
    await sim().clock.advance(60_000) // Vipps carries the capture out.
    await expect.poll(async () => ops(payment.reference)).toContain('capture:12550')
    await sim().control('DELETE', '/faults')

    const second = await engine(dir)
    expect(await reach(second, 'x-1', 'captured')).toMatchObject({ captured: 12550 })
    expect(await ops(payment.reference)).toEqual(['create:12550', 'approve:12550', 'capture:12550'])
    const events = second.engine.eventsAfter('till-1', 0, 100).map((e) => [e.seq, e.payment.status])
    expect(events.slice(-2)).toEqual([
      [seqBefore + 1, 'authorized'],
      [seqBefore + 2, 'captured'],
    ])
  })
})
