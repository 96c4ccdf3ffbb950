import { afterEach, describe, expect, it } from 'vitest'
import { FakeEpayment } from '../../helpers/fake-epayment.js'
import { type PaymentsHarness, pushPayment, settle, startPayments } from '../../helpers/payments-harness.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const tempDir = useTempDir('tillbridge-claim-')
let h: PaymentsHarness | undefined
afterEach(async () => {
  await h?.stop()
  h = undefined
})

const tick = () => new Promise((r) => setImmediate(r))

describe('sales claimed in their accept COMMIT', () => {
  it('claims no more creates at once than the worker concurrency (32), even within one COMMIT', async () => {
    const provider = new FakeEpayment()
    h = await startPayments({ dir: tempDir(), provider })
    const release = provider.hold('createPayment')
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        h?.engine.create('till-1', pushPayment(`sale-${i}`, `4791${String(i).padStart(5, '0')}1`)),
      ),
    )
    for (let i = 0; i < 20; i++) await tick()
    const inFlight = provider.calls.filter((c) => c.method === 'createPayment').length
    release()
    await settle(h)
    expect(inFlight).toBeLessThanOrEqual(32)
    // The rest go in their normal turn as slots free, each sent once.
    expect(provider.calls.filter((c) => c.method === 'createPayment')).toHaveLength(40)
    for (let i = 0; i < 40; i++) expect(h.engine.get('till-1', `sale-${i}`).status).toBe('pending')
  })

  it('a cancel committed with the accept (same group commit) cancels before anything is sent', async () => {
    const provider = new FakeEpayment()
    h = await startPayments({ dir: tempDir(), provider })
    const [, cancel] = await Promise.all([
      h.engine.create('till-1', pushPayment('sale-1')),
      h.engine.cancel('till-1', 'sale-1'),
    ])
    await settle(h)
    // Answered 'cancelling' (the intent was already marked), but nothing goes to Vipps.
    expect(['cancelling', 'cancelled']).toContain(cancel.payment.status)
    expect(h.engine.get('till-1', 'sale-1').status).toBe('cancelled')
    expect(provider.calls.filter((c) => c.method === 'createPayment')).toEqual([])
    expect(provider.calls.filter((c) => c.method === 'cancelPayment')).toEqual([])
  })
})
