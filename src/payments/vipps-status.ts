import type { Aggregate, PaymentState } from '../vipps/types.js'
import type { PaymentStatus } from './types.js'

/** What Vipps says about a payment, in our terms. */
export interface VippsFacts {
  status: PaymentStatus
  authorized: number
  captured: number
  refunded: number
  cancelled: number
}

/**
 * Maps a Vipps state and its aggregate to a till status. The state stops changing at AUTHORIZED,
 * so money is read only from the aggregate: captured, refunded and released amounts decide
 * between authorized, captured, partially_refunded, refunded and cancelled.
 */
export function factsFromVipps(state: PaymentState, aggregate: Aggregate): VippsFacts {
  const money = {
    authorized: aggregate.authorizedAmount.value,
    captured: aggregate.capturedAmount.value,
    refunded: aggregate.refundedAmount.value,
    cancelled: aggregate.cancelledAmount.value,
  }
  return { status: statusOf(state, money), ...money }
}

function statusOf(state: PaymentState, money: Omit<VippsFacts, 'status'>): PaymentStatus {
  switch (state) {
    case 'CREATED':
      return 'pending'
    case 'ABORTED':
      return 'declined'
    case 'EXPIRED':
      return 'expired'
    case 'TERMINATED':
      return 'cancelled'
    case 'AUTHORIZED':
      if (money.refunded > 0) return money.refunded >= money.captured ? 'refunded' : 'partially_refunded'
      if (money.captured > 0) return 'captured'
      if (money.cancelled > 0) return 'cancelled'
      return 'authorized'
  }
}

/** The `failure` a till sees for a payment Vipps ended without money. */
export function failureFor(status: PaymentStatus): { code: string; message: string } | undefined {
  switch (status) {
    case 'declined':
      return { code: 'ABORTED', message: 'the customer rejected the payment, or the app could not pay' }
    case 'expired':
      return { code: 'EXPIRED', message: 'the customer did not act in time' }
    default:
      return undefined
  }
}
