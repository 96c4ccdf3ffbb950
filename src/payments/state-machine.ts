import { TillbridgeError } from '../shared/errors.js'
import type { PaymentStatus } from './types.js'

/**
 * Which status may follow which (PROTOCOL-v1.md, "The payment object"). A status listed under
 * itself may be updated in place (its amounts change, e.g. a refund or the release after a
 * partial capture); a status with an empty list never changes again.
 */
const NEXT: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  // Not yet confirmed at Vipps. After a crash the read-back may find it in any early state.
  queued: ['queued', 'pending', 'authorized', 'cancelling', 'cancelled', 'declined', 'expired', 'failed'],
  pending: ['pending', 'authorized', 'cancelling', 'cancelled', 'declined', 'expired'],
  authorized: ['authorized', 'captured', 'cancelling', 'cancelled'],
  // A cancel tells the truth: the customer may have approved (then released or captured), rejected,
  // or let it expire meanwhile; a refused cancel leaves the payment as Vipps has it.
  cancelling: ['cancelling', 'cancelled', 'captured', 'declined', 'expired', 'failed', 'pending', 'authorized'],
  captured: ['captured', 'partially_refunded', 'refunded'],
  partially_refunded: ['partially_refunded', 'refunded'],
  cancelled: [],
  declined: [],
  expired: [],
  failed: [],
  refunded: [],
}

/** Statuses after which nothing more happens to the money (captured may still be refunded). */
export const FINAL_STATUSES: ReadonlySet<PaymentStatus> = new Set([
  'captured',
  'cancelled',
  'declined',
  'expired',
  'failed',
  'refunded',
])

/** Statuses whose payment object carries `failure`. */
export const FAILURE_STATUSES: ReadonlySet<PaymentStatus> = new Set(['failed', 'declined', 'expired'])

export function canTransition(from: PaymentStatus, to: PaymentStatus): boolean {
  return NEXT[from].includes(to)
}

/** Throws INTERNAL for a transition the table refuses: the engine must never make one. */
export function assertTransition(from: PaymentStatus, to: PaymentStatus): void {
  if (!canTransition(from, to)) {
    throw new TillbridgeError('INTERNAL', `illegal payment status change ${from} → ${to}`, {
      details: { from, to },
    })
  }
}
