import type { PaymentView } from '../payments/types.js'
import { TillbridgeError } from '../shared/errors.js'
import {
  describe,
  expectAmounts,
  FlowFailure,
  type FlowKit,
  money,
  pushSale,
  reach,
  sell,
  waitUntil,
} from './flow-kit.js'
import { checkPolling } from './polling.js'

/** What a flow leaves for the report besides the payment itself. */
export interface FlowOutcome {
  key: string
  notes?: string[]
}

export interface FlowSpec {
  id: string
  /** The item of Vipps' go-live checklist this flow proves. */
  checklist: string
  run(kit: FlowKit): Promise<FlowOutcome>
}

/**
 * The go-live checklist, one flow per item, each through the real engine exactly as a till
 * would drive it. Amounts differ per flow so Vipps' portal tells them apart, and avoid the test
 * environment's magic amounts (1.51 NOK and friends).
 */
export const FLOWS: readonly FlowSpec[] = [
  {
    id: 'push-auto-capture',
    checklist: 'Push payment (PUSH_MESSAGE, CUSTOMER_PRESENT) captured automatically when approved',
    async run(kit) {
      const { key, payment } = await approved(kit, 'push-auto-capture', 1100, 'auto')
      expectAmounts(payment, { captured: 1100 }, kit)
      return { key }
    },
  },
  {
    id: 'manual-capture-full',
    checklist: 'Reserve, then capture the full amount (manual capture)',
    async run(kit) {
      const { key } = await approved(kit, 'manual-capture-full', 2200, 'manual')
      await kit.engine.capture(kit.tillId, key)
      expectAmounts(await reach(kit, key, 'captured'), { captured: 2200, cancelled: 0 }, kit)
      return { key }
    },
  },
  {
    id: 'partial-capture',
    checklist: 'Capture part of a reservation; the rest is released (cancelled)',
    async run(kit) {
      const { key } = await approved(kit, 'partial-capture', 3300, 'manual')
      await kit.engine.capture(kit.tillId, key, money(kit, 2000))
      const done = await waitUntil(kit, key, 'captured 2000 and the other 1300 released', (p) => p.cancelled === 1300)
      expectAmounts(done, { captured: 2000, cancelled: 1300 }, kit)
      return { key }
    },
  },
  {
    id: 'cancel-before-approval',
    checklist: 'Cancel a payment the customer has not approved yet',
    async run(kit) {
      const key = await sell(kit, 'cancel-before-approval', pushSale(kit, 4400, 'auto'))
      await reach(kit, key, 'pending')
      await kit.engine.cancel(kit.tillId, key)
      expectAmounts(await reach(kit, key, 'cancelled'), { captured: 0 }, kit)
      return { key }
    },
  },
  {
    id: 'cancel-after-approval',
    checklist: 'Cancel a reserved (approved, not captured) payment: the reservation is released',
    async run(kit) {
      const { key } = await approved(kit, 'cancel-after-approval', 5500, 'manual')
      await kit.engine.cancel(kit.tillId, key)
      expectAmounts(await reach(kit, key, 'cancelled'), { captured: 0, cancelled: 5500 }, kit)
      return { key }
    },
  },
  {
    id: 'refunds',
    checklist: 'Refund part of a captured payment, then the rest',
    async run(kit) {
      const { key } = await approved(kit, 'refunds', 6600, 'auto')
      await kit.engine.refund(kit.tillId, key, `${key}-r1`, money(kit, 2600))
      expectAmounts(await reach(kit, key, 'partially_refunded'), { refunded: 2600 }, kit)
      await kit.engine.refund(kit.tillId, key, `${key}-r2`, money(kit, 4000))
      expectAmounts(await reach(kit, key, 'refunded'), { captured: 6600, refunded: 6600 }, kit)
      return { key }
    },
  },
  {
    id: 'qr',
    checklist: 'QR payment (userFlow QR): the till shows the code, the customer scans and pays',
    async run(kit) {
      const key = await sell(kit, 'qr', { amount: money(kit, 7700), flow: 'qr', capture: 'auto' })
      const pending = await waitUntil(kit, key, 'status pending with a QR URL', (p) => p.qr !== undefined)
      await kit.approver.approve(pending.reference, 'qr')
      expectAmounts(await reach(kit, key, 'captured'), { captured: 7700 }, kit)
      return { key, notes: [`QR URL: ${pending.qr?.url ?? ''}`] }
    },
  },
  {
    id: 'refusal-over-refund',
    checklist: 'A refused operation is handled: a refund above what is left is refused, nothing changes',
    async run(kit) {
      const { key, payment: captured } = await approved(kit, 'refusal-over-refund', 8800, 'auto')
      const refusal = await kit.engine.refund(kit.tillId, key, `${key}-r1`, money(kit, 9900)).then(
        () => undefined,
        (err: unknown) => err,
      )
      if (!(refusal instanceof TillbridgeError)) {
        throw new FlowFailure('the refund of 9900 (more than the 8800 captured) refused', 'it was accepted')
      }
      const after = kit.engine.get(kit.tillId, key)
      if (after.status !== 'captured' || after.refunded !== 0) {
        throw new FlowFailure('the payment unchanged (captured, nothing refunded)', describe(kit, after))
      }
      const refunds = kit.recorder.forReference(captured.reference).filter((c) => c.path.endsWith('/refund'))
      if (refunds.length > 0) throw new FlowFailure('no refund sent to Vipps', `${refunds.length} sent`)
      return { key, notes: [`refused with ${refusal.code}: ${refusal.message}; nothing was sent to Vipps`] }
    },
  },
  {
    id: 'polling',
    checklist: 'Polls the payment: first after 5 s, then every 2 s (not on webhooks alone)',
    async run(kit) {
      const key = await sell(kit, 'polling', pushSale(kit, 9900, 'auto'))
      const { reference } = await reach(kit, key, 'pending')
      const notes = await checkPolling(kit, reference)
      await kit.engine.cancel(kit.tillId, key)
      await reach(kit, key, 'cancelled')
      return { key, notes }
    },
  },
]

/**
 * A push sale the customer approves: captured (auto capture) or authorized (manual), as the
 * till then sees it.
 */
async function approved(
  kit: FlowKit,
  flow: string,
  value: number,
  capture: 'auto' | 'manual',
): Promise<{ key: string; payment: PaymentView }> {
  const key = await sell(kit, flow, pushSale(kit, value, capture))
  const { reference } = await reach(kit, key, 'pending')
  try {
    await kit.approver.approve(reference, 'push')
  } catch (err) {
    throw new FlowFailure(`the customer's approval (${kit.approver.how})`, (err as Error).message)
  }
  return { key, payment: await reach(kit, key, capture === 'auto' ? 'captured' : 'authorized') }
}
