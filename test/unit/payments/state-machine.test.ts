import { describe, expect, it } from 'vitest'
import { assertTransition, canTransition, FINAL_STATUSES } from '../../../src/payments/state-machine.js'
import { PAYMENT_STATUSES, type PaymentStatus } from '../../../src/payments/types.js'

/**
 * The expected table, written out pair by pair from PROTOCOL-v1.md so that a change to the
 * engine's table must be made twice, on purpose. "=" marks an in-place update of the same status.
 */
const ALLOWED: Record<PaymentStatus, PaymentStatus[]> = {
  queued: ['queued', 'pending', 'authorized', 'cancelling', 'cancelled', 'declined', 'expired', 'failed'],
  pending: ['pending', 'authorized', 'cancelling', 'cancelled', 'declined', 'expired'],
  authorized: ['authorized', 'captured', 'cancelling', 'cancelled'],
  cancelling: ['cancelling', 'cancelled', 'captured', 'declined', 'expired', 'failed', 'pending', 'authorized'],
  captured: ['captured', 'partially_refunded', 'refunded'],
  partially_refunded: ['partially_refunded', 'refunded'],
  cancelled: [],
  declined: [],
  expired: [],
  failed: [],
  refunded: [],
}

const pairs = PAYMENT_STATUSES.flatMap((from) => PAYMENT_STATUSES.map((to) => [from, to] as const))

describe('payment state machine', () => {
  it('covers all 121 status pairs', () => {
    expect(pairs).toHaveLength(PAYMENT_STATUSES.length ** 2)
  })

  it.each(pairs)('%s → %s is allowed only if the protocol allows it', (from, to) => {
    const expected = ALLOWED[from].includes(to)
    expect(canTransition(from, to)).toBe(expected)
    if (expected) expect(() => assertTransition(from, to)).not.toThrow()
    else expect(() => assertTransition(from, to)).toThrow(expect.objectContaining({ code: 'INTERNAL' }))
  })

  it('lets nothing leave a final status except a refund of a captured payment', () => {
    for (const status of FINAL_STATUSES) {
      const exits = PAYMENT_STATUSES.filter((to) => to !== status && canTransition(status, to))
      expect(exits).toEqual(status === 'captured' ? ['refunded', 'partially_refunded'] : [])
    }
  })

  it('never goes back to queued once the payment has moved on', () => {
    for (const from of PAYMENT_STATUSES) if (from !== 'queued') expect(canTransition(from, 'queued')).toBe(false)
  })
})
