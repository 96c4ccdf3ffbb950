import { afterEach, describe, expect, it } from 'vitest'
import { FakeEpayment } from '../../helpers/fake-epayment.js'
import { type PaymentsHarness, pushPayment, settle, startPayments } from '../../helpers/payments-harness.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const tempDir = useTempDir('tillbridge-ledger-')
let h: PaymentsHarness | undefined
afterEach(async () => {
  await h?.stop()
  h = undefined
})

describe('the ledger', () => {
  it('refuses an illegal status change, and the whole unit of work is rolled back', async () => {
    h = await startPayments({ dir: tempDir(), provider: new FakeEpayment(), withoutWorker: true })
    await h.engine.create('till-1', pushPayment('k'))
    const { ledger, writer } = h.engine.core
    const p = ledger.repo.byTillKey('till-1', 'k')
    if (!p) throw new Error('no payment')
    const attempt = writer.run((tx) => {
      ledger.change(tx, p, { captured: 100 }) // queued with money: a visible change queued → queued is fine
      return ledger.change(tx, { ...p, captured: 100 }, { status: 'refunded' }) // queued → refunded is not
    })
    await expect(attempt).rejects.toMatchObject({ code: 'INTERNAL' })
    expect(h.engine.get('till-1', 'k')).toMatchObject({ status: 'queued', captured: 0 })
    expect(h.engine.lastSeq('till-1')).toBe(1)
    expect(ledger.timeline.of(p.id).map((e) => [e.kind, e.fromStatus, e.toStatus])).toEqual([
      ['status', null, 'queued'],
    ])
  })

  it('keeps a timeline of status changes and Vipps calls with their keys and codes', async () => {
    const provider = new FakeEpayment()
    h = await startPayments({ dir: tempDir(), provider })
    await h.engine.create('till-1', pushPayment('t-1', '4791234564'))
    await settle(h)
    const p = h.engine.core.ledger.repo.byTillKey('till-1', 't-1')
    const entries = h.engine.core.ledger.timeline.of(p?.id ?? 0)
    expect(entries.map((e) => [e.kind, e.toStatus ?? e.operation, e.httpStatus, e.vippsCode])).toEqual([
      ['status', 'queued', null, null],
      ['call', 'createPayment', 400, '7010'],
      ['status', 'failed', null, null],
    ])
    expect(entries[1]).toMatchObject({
      idempotencyKey: `${p?.reference}-c`,
      traceId: 'trace-7010',
      outcome: 'rejected',
    })
  })
})
