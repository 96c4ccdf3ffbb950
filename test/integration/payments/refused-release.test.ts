import { afterEach, describe, expect, it } from 'vitest'
import { ProviderError } from '../../../src/vipps/errors.js'
import { FakeEpayment } from '../../helpers/fake-epayment.js'
import { advance, type PaymentsHarness, pushPayment, settle, startPayments } from '../../helpers/payments-harness.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const tempDir = useTempDir('tillbridge-refused-release-')
let h: PaymentsHarness | undefined
afterEach(async () => {
  await h?.stop()
  h = undefined
})

/**
 * A till cancel that dropped an unsent auto capture, whose release Vipps then refuses (unknown
 * code, or a retried refusal exhausted): the payment stays `authorized`, a person is told, and it
 * must still have a next look scheduled (a slow read-back, progress.ts SETTLED_READ_MS), so the
 * till learns the end when Vipps has one. It used to be left with nothing scheduled, for good
 * (manual-capture payments too, after a refused till cancel).
 */
describe('a till cancel that dropped the capture, then refused by Vipps', () => {
  it('leaves the payment final, or with a next look scheduled', async () => {
    const provider = new FakeEpayment()
    h = await startPayments({ dir: tempDir(), provider, payments: { modificationsPerMinute: 1 } })
    const { payment } = await h.engine.create('till-1', pushPayment('sale-1'))
    await settle(h)
    provider.approve(payment.reference)
    await advance(h, 5000)
    expect(h.engine.get('till-1', 'sale-1').status).toBe('authorized')
    const cancel = await h.engine.cancel('till-1', 'sale-1')
    expect(cancel.payment.status).toBe('cancelling')
    // Vipps refuses the release with a code tillbridge does not know (read back, a person looks).
    provider.fail(
      'cancelPayment',
      new ProviderError('PROVIDER_REJECTED', 'odd', { status: 400, vippsCode: '9999', title: 'odd' }),
    )
    await advance(h, 70_000, 1000)
    await advance(h, 3_600_000, 60_000)
    const row = h.journal.db
      .prepare('SELECT status, next_action_at AS nextActionAt FROM payments WHERE reference = ?')
      .get(payment.reference) as { status: string; nextActionAt: number | null }
    const view = h.engine.get('till-1', 'sale-1')
    // Final (cancelled/captured), or at least something scheduled; never authorized with nothing to do.
    const final = ['cancelled', 'captured'].includes(view.status)
    expect({ status: view.status, final, scheduled: row.nextActionAt !== null }).toMatchObject(
      final ? { final: true } : { scheduled: true },
    )
  })
})
