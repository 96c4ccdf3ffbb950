import type { Amount } from '../vipps/types.js'
import { amountOf, type SimPayment } from './ledger.js'
import type { PaymentLife } from './payment-life.js'
import { problems } from './problem.js'

/** The time rules and the sales unit's setting that make Vipps refuse by itself. */
export interface MoneyRules {
  /** After approval, a cancel is refused with 6250 for this long (Vipps is still processing). */
  processingWindowMs: number
  /** A reservation lives this long after approval; a later capture gets 6100. */
  reservationMs: number
  /** Refunds are possible this long after approval (365 days); later ones get 6220. */
  refundWindowMs: number
  /** False: a capture of less than what remains reserved gets 6140. */
  partialCaptureAllowed: boolean
}

const DAY = 86_400_000

export const DEFAULT_MONEY_RULES: MoneyRules = {
  processingWindowMs: 2000,
  reservationMs: 7 * DAY,
  refundWindowMs: 365 * DAY,
  partialCaptureAllowed: true,
}

/** Time since the customer approved, on the simulator clock. */
function sinceApproval(life: PaymentLife, payment: SimPayment): number {
  return payment.authorizedAtMs === undefined ? 0 : life.now() - payment.authorizedAtMs
}

/**
 * Capture, refund and cancel with the Vipps money rules. Each either throws the refusal Vipps
 * gives (and changes nothing) or changes the aggregate, appends its event and returns that
 * event's pspReference. `state` stays AUTHORIZED after any of them: money is read from aggregate.
 */

export function capture(
  life: PaymentLife,
  payment: SimPayment,
  amount: Amount,
  key: string,
  rules: MoneyRules = DEFAULT_MONEY_RULES,
): string {
  checkAmount(payment, amount)
  switch (payment.state) {
    case 'CREATED':
      throw problems.rule('6080', 'Cannot capture before reservation', 'The customer has not approved the payment yet')
    case 'TERMINATED':
      throw problems.rule('6070', 'Cannot capture a cancelled payment')
    case 'ABORTED':
    case 'EXPIRED':
      throw problems.rule('6200', 'Payment cannot be captured', `The payment is ${payment.state}`)
    case 'AUTHORIZED':
      break
  }
  const { authorizedAmount, capturedAmount, cancelledAmount } = payment.aggregate
  const capturable = authorizedAmount.value - capturedAmount.value - cancelledAmount.value
  if (amount.value > capturable) {
    throw problems.rule('6090', 'Capture amount too high', `At most ${capturable} can still be captured`)
  }
  if (payment.releasedEarly) {
    throw problems.rule('6260', 'Funds unavailable', 'The bank released the reservation early')
  }
  if (sinceApproval(life, payment) > rules.reservationMs) {
    throw problems.rule('6100', 'Reservation expired', 'The reservation is older than the reservation period')
  }
  if (!rules.partialCaptureAllowed && amount.value < capturable) {
    throw problems.rule('6140', 'Must capture full amount', 'This sales unit does not allow partial capture')
  }
  payment.aggregate.capturedAmount = amountOf(amount.currency, capturedAmount.value + amount.value)
  life.operation(payment, 'capture', key, amount)
  return life.record(payment, 'CAPTURED', amount, key).pspReference
}

export function refund(
  life: PaymentLife,
  payment: SimPayment,
  amount: Amount,
  key: string,
  rules: MoneyRules = DEFAULT_MONEY_RULES,
): string {
  checkAmount(payment, amount)
  switch (payment.state) {
    case 'CREATED':
      throw problems.rule('6020', 'Attempted refund before reservation')
    case 'ABORTED':
    case 'EXPIRED':
    case 'TERMINATED':
      throw problems.rule('6210', 'Payment cannot be refunded', `The payment is ${payment.state}`)
    case 'AUTHORIZED':
      break
  }
  const { capturedAmount, refundedAmount } = payment.aggregate
  const refundable = capturedAmount.value - refundedAmount.value
  if (amount.value > refundable) {
    throw problems.rule('6150', 'Not enough refundable', `At most ${refundable} can be refunded`)
  }
  if (sinceApproval(life, payment) > rules.refundWindowMs) {
    throw problems.rule('6220', 'Refund period expired', 'Refunds are possible for 365 days')
  }
  payment.aggregate.refundedAmount = amountOf(amount.currency, refundedAmount.value + amount.value)
  life.operation(payment, 'refund', key, amount)
  return life.record(payment, 'REFUNDED', amount, key).pspReference
}

/**
 * Before authorization: TERMINATED. After it: releases every uncaptured minor unit (CANCELLED),
 * unless `transactionOnly` asked to cancel only a payment nobody approved yet (6060).
 */
export function cancel(
  life: PaymentLife,
  payment: SimPayment,
  transactionOnly: boolean,
  key: string,
  rules: MoneyRules = DEFAULT_MONEY_RULES,
): string {
  switch (payment.state) {
    case 'CREATED':
      return life.terminate(payment, key)
    case 'ABORTED':
    case 'EXPIRED':
      throw problems.rule('6050', 'Cannot cancel a non-reserved payment', `The payment is ${payment.state}`)
    case 'TERMINATED':
      throw problems.rule('6190', 'Payment cannot be cancelled', 'The payment is already TERMINATED')
    case 'AUTHORIZED':
      break
  }
  if (payment.aggregate.capturedAmount.value === 0 && sinceApproval(life, payment) < rules.processingWindowMs) {
    // The customer has just approved and Vipps is still completing it: "retry the cancel later".
    throw problems.rule('6250', 'Cannot cancel processing payment', 'The payment is being processed; try again later')
  }
  if (transactionOnly) {
    throw problems.rule(
      '6060',
      'Cannot cancel authorized payment',
      'cancelTransactionOnly was set and the payment is AUTHORIZED',
    )
  }
  const { authorizedAmount, capturedAmount, cancelledAmount } = payment.aggregate
  if (capturedAmount.value >= authorizedAmount.value) {
    throw problems.rule('6040', 'Cannot cancel a captured payment', 'The whole amount is captured; refund instead')
  }
  if (cancelledAmount.value > 0) {
    throw problems.rule('6190', 'Payment cannot be cancelled', 'The remaining amount is already cancelled')
  }
  const released = amountOf(authorizedAmount.currency, authorizedAmount.value - capturedAmount.value)
  payment.aggregate.cancelledAmount = released
  life.operation(payment, 'cancel', key, released)
  return life.record(payment, 'CANCELLED', released, key).pspReference
}

function checkAmount(payment: SimPayment, amount: Amount): void {
  if (amount.currency !== payment.amount.currency) {
    throw problems.badRequest(`The payment is in ${payment.amount.currency}`, [
      { name: 'modificationAmount.currency', reason: `must be ${payment.amount.currency}` },
    ])
  }
  if (amount.value < 1) {
    throw problems.badRequest('The amount must be at least 1', [
      { name: 'modificationAmount.value', reason: 'must be at least 1' },
    ])
  }
}
