import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import type { StoredRequest } from '../../../src/vipps/api.js'
import { FakeEpayment } from '../../helpers/fake-epayment.js'
import { type PaymentsHarness, pushPayment, settle, startPayments } from '../../helpers/payments-harness.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const tempDir = useTempDir('tillbridge-intent-')
let h: PaymentsHarness | undefined
afterEach(async () => {
  await h?.stop()
  h = undefined
})

/** What another connection (another process, after a crash) reads of the create when it leaves. */
class WitnessingFake extends FakeEpayment {
  path = ''
  seen: Array<{ state: string; attempts: number } | undefined> = []
  override createPayment(request: StoredRequest, options?: Parameters<FakeEpayment['createPayment']>[1]) {
    const other = new Database(this.path, { readonly: true })
    try {
      this.seen.push(
        other
          .prepare("SELECT state, attempts FROM provider_operations WHERE kind = 'create' AND idempotency_key = ?")
          .get(request.idempotencyKey) as { state: string; attempts: number } | undefined,
      )
    } finally {
      other.close()
    }
    return super.createPayment(request, options)
  }
}

describe('a new sale whose intent shares its accept COMMIT', () => {
  it('is sent in the turn its accept commits, with its attempt already durable', async () => {
    const provider = new WitnessingFake()
    h = await startPayments({ dir: tempDir(), provider })
    provider.path = h.path
    const accepted = await h.engine.create('till-1', pushPayment('sale-1'))
    // The create left before the till's answer: no second transaction in between.
    expect(provider.calls.filter((c) => c.method === 'createPayment')).toHaveLength(1)
    expect(provider.seen).toEqual([{ state: 'sending', attempts: 1 }])
    await settle(h)
    expect(h.engine.get('till-1', accepted.payment.key).status).toBe('pending')
  })

  it('sales accepted in one COMMIT are each sent at once, none read back first as if its answer were lost', async () => {
    const provider = new WitnessingFake()
    h = await startPayments({ dir: tempDir(), provider })
    provider.path = h.path
    // Created in the same turn, so the group commit takes them in one transaction, and the wake
    // of one of them comes before the claims of the others.
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => h?.engine.create('till-1', pushPayment(`sale-${i}`, `479123456${i}`))),
    )
    expect(provider.calls.filter((c) => c.method === 'createPayment')).toHaveLength(8)
    expect(provider.calls.filter((c) => c.method === 'getPayment')).toEqual([])
    expect(provider.seen.every((s) => s?.state === 'sending' && s.attempts === 1)).toBe(true)
    await settle(h)
  })

  it('a replayed create is not sent again', async () => {
    const provider = new WitnessingFake()
    h = await startPayments({ dir: tempDir(), provider })
    provider.path = h.path
    await h.engine.create('till-1', pushPayment('sale-1'))
    await settle(h)
    const again = await h.engine.create('till-1', pushPayment('sale-1'))
    await settle(h)
    expect(again.replayed).toBe(true)
    expect(provider.calls.filter((c) => c.method === 'createPayment')).toHaveLength(1)
  })
})
