import Database from 'better-sqlite3'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { errorOf } from '../../helpers/error-of.js'
import { FakeEpayment } from '../../helpers/fake-epayment.js'
import { advance, type PaymentsHarness, pushPayment, settle, startPayments } from '../../helpers/payments-harness.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const tempDir = useTempDir('tillbridge-idem-')
let h: PaymentsHarness | undefined
afterEach(async () => {
  await h?.stop()
  h = undefined
})

function count(path: string, sql: string): number {
  const db = new Database(path, { readonly: true })
  try {
    return (db.prepare(sql).pluck().get() as number) ?? 0
  } finally {
    db.close()
  }
}

describe('idempotent accept', () => {
  it('answers a repeated request with the stored payment, replayed, and changes nothing', async () => {
    const provider = new FakeEpayment()
    h = await startPayments({ dir: tempDir(), provider })
    const first = await h.engine.create('till-1', pushPayment('sale-1'))
    await settle(h)
    const again = await h.engine.create('till-1', pushPayment('sale-1'))
    expect(again.replayed).toBe(true)
    expect(again.payment.reference).toBe(first.payment.reference)
    expect(again.payment.status).toBe('pending')
    expect(h.engine.lastSeq('till-1')).toBe(2)
    expect(count(h.path, 'SELECT COUNT(*) FROM payments')).toBe(1)
    expect(provider.calls.filter((c) => c.method === 'createPayment')).toHaveLength(1)
  })

  it('refuses the same key with a different body as IDEMPOTENCY_CONFLICT and changes nothing', async () => {
    h = await startPayments({ dir: tempDir(), provider: new FakeEpayment(), withoutWorker: true })
    await h.engine.create('till-1', pushPayment('sale-1'))
    const err = await errorOf(
      h.engine.create('till-1', pushPayment('sale-1', '4791234567', { amount: { value: 999, currency: 'NOK' } })),
    )
    expect(err.code).toBe('IDEMPOTENCY_CONFLICT')
    expect(err.retryable).toBe(false)
    expect(h.engine.get('till-1', 'sale-1').amount.value).toBe(12550)
    expect(h.engine.lastSeq('till-1')).toBe(1)
    expect(count(h.path, 'SELECT COUNT(*) FROM payments')).toBe(1)
    expect(count(h.path, 'SELECT COUNT(*) FROM provider_operations')).toBe(1)
  })

  it('makes two accepts of one key in the same tick one payment with one create at Vipps', async () => {
    const provider = new FakeEpayment()
    h = await startPayments({ dir: tempDir(), provider })
    const [a, b] = await Promise.all([
      h.engine.create('till-1', pushPayment('twice')),
      h.engine.create('till-1', pushPayment('twice')),
    ])
    expect([a.replayed, b.replayed]).toEqual([false, true])
    expect(b.payment.reference).toBe(a.payment.reference)
    await settle(h)
    expect(count(h.path, 'SELECT COUNT(*) FROM payments')).toBe(1)
    expect(provider.calls.filter((c) => c.method === 'createPayment')).toHaveLength(1)
  })

  it('keeps keys per till: the same key from another till is another payment', async () => {
    h = await startPayments({ dir: tempDir(), provider: new FakeEpayment(), withoutWorker: true })
    const a = await h.engine.create('till-1', pushPayment('same'))
    const b = await h.engine.create('till-2', pushPayment('same'))
    expect(b.replayed).toBe(false)
    expect(b.payment.reference).not.toBe(a.payment.reference)
    expect(h.engine.lastSeq('till-1')).toBe(1)
    expect(h.engine.lastSeq('till-2')).toBe(1)
  })

  it('commits accepts of one tick in one transaction and answers none before its COMMIT', async () => {
    h = await startPayments({ dir: tempDir(), provider: new FakeEpayment(), withoutWorker: true })
    const writes = vi.spyOn(h.journal, 'write')
    const reader = new Database(h.path, { readonly: true })
    const visible = (key: string) => reader.prepare('SELECT COUNT(*) FROM payments WHERE till_key = ?').pluck().get(key)
    const seenAtAnswer: unknown[] = []
    const keys = Array.from({ length: 20 }, (_, i) => `batch-${i}`)
    await Promise.all(
      keys.map((key) => h?.engine.create('till-1', pushPayment(key)).then(() => seenAtAnswer.push(visible(key)))),
    )
    reader.close()
    expect(writes).toHaveBeenCalledTimes(1)
    expect(seenAtAnswer).toEqual(keys.map(() => 1))
    expect(h.engine.eventsAfter('till-1', 0, 100).map((e) => e.seq)).toEqual(keys.map((_, i) => i + 1))
  })

  it('rolls back only the conflicting request of a batch', async () => {
    h = await startPayments({ dir: tempDir(), provider: new FakeEpayment(), withoutWorker: true })
    await h.engine.create('till-1', pushPayment('taken'))
    const results = await Promise.allSettled([
      h.engine.create('till-1', pushPayment('ok-1')),
      h.engine.create('till-1', pushPayment('taken', '4790000000')),
      h.engine.create('till-1', pushPayment('ok-2')),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(count(h.path, 'SELECT COUNT(*) FROM payments')).toBe(3)
    expect(h.engine.lastSeq('till-1')).toBe(3)
  })

  it('treats a refund key like a sale key: replayed with the same body, refused with another', async () => {
    const provider = new FakeEpayment()
    h = await startPayments({ dir: tempDir(), provider })
    const { payment } = await h.engine.create('till-1', pushPayment('sale-1'))
    await settle(h)
    provider.approve(payment.reference)
    await advance(h, 5000)
    const nok = (value: number) => ({ value, currency: 'NOK' as const })
    const first = await h.engine.refund('till-1', 'sale-1', 'ret-1', nok(500))
    const again = await h.engine.refund('till-1', 'sale-1', 'ret-1', nok(500))
    expect([first.replayed, again.replayed]).toEqual([false, true])
    expect((await errorOf(h.engine.refund('till-1', 'sale-1', 'ret-1', nok(600)))).code).toBe('IDEMPOTENCY_CONFLICT')
    await settle(h)
    expect(provider.effectsOf('refundPayment')).toHaveLength(1)
    expect(h.engine.get('till-1', 'sale-1')).toMatchObject({ status: 'partially_refunded', refunded: 500 })
  })
})
