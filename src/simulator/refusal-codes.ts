/**
 * The ePayment error codes the simulator can answer with, each with the HTTP status Vipps uses
 * for it and the title it gives. Meanings are from ../shared/research/vipps-api.md ("ePayment
 * error codes that matter at a till") where listed there; the rest keep the simulator's own
 * wording. The simulator's list, kept apart from the client's policy table on purpose: the
 * simulator must catch the client's mistakes, not repeat them.
 *
 * 5090 "Reference not found" answers 404: epayment-v1.yaml (1.4.1) declares 404 ProblemResponse
 * on capture, refund and cancel, the only status it gives for a missing payment.
 */

export interface RefusalCode {
  status: number
  title: string
}

const BAD = 400

export const REFUSAL_CODES: Readonly<Record<string, RefusalCode>> = {
  '3010': { status: BAD, title: 'Merchant not available' },
  '4010': { status: 409, title: 'Idempotency conflict on capture' },
  '4020': { status: 409, title: 'Idempotency conflict' },
  '4040': { status: BAD, title: 'Invalid amount' },
  '4050': { status: BAD, title: 'Invalid CustomerToken' },
  '4060': { status: BAD, title: 'Invalid PersonalQr' },
  '4070': { status: BAD, title: 'Invalid phone number' },
  '4100': { status: BAD, title: 'Invalid metadata' },
  '4110': { status: BAD, title: 'Too many metadata entries' },
  '4120': { status: BAD, title: 'Metadata key too long' },
  '4130': { status: BAD, title: 'Metadata value too long' },
  '4140': { status: BAD, title: 'Missing required parameter' },
  '4150': { status: 409, title: 'Reference exists' },
  '5040': { status: BAD, title: 'Invalid currency for merchant' },
  '5050': { status: BAD, title: 'Long-living payments not allowed' },
  '5080': { status: BAD, title: 'PUSH_MESSAGE not allowed' },
  '5090': { status: 404, title: 'Reference not found' },
  '5100': { status: BAD, title: 'Merchant not allowed this operation' },
  '6010': { status: BAD, title: 'Amount too small' },
  '6020': { status: BAD, title: 'Attempted refund before reservation' },
  '6040': { status: BAD, title: 'Cannot cancel a captured payment' },
  '6050': { status: BAD, title: 'Cannot cancel a non-reserved payment' },
  '6060': { status: BAD, title: 'Cannot cancel authorized payment' },
  '6070': { status: BAD, title: 'Cannot capture a cancelled payment' },
  '6080': { status: BAD, title: 'Cannot capture before reservation' },
  '6090': { status: BAD, title: 'Capture amount too high' },
  '6100': { status: BAD, title: 'Reservation expired' },
  '6130': { status: BAD, title: 'expiresAt requires a receipt' },
  '6140': { status: BAD, title: 'Must capture full amount' },
  '6150': { status: BAD, title: 'Not enough refundable' },
  '6160': { status: BAD, title: 'Order processing' },
  '6190': { status: BAD, title: 'Payment cannot be cancelled' },
  '6200': { status: BAD, title: 'Payment cannot be captured' },
  '6210': { status: BAD, title: 'Payment cannot be refunded' },
  '6220': { status: BAD, title: 'Refund period expired' },
  '6230': { status: BAD, title: 'Payment is already reserved' },
  '6250': { status: BAD, title: 'Cannot cancel processing payment' },
  '6260': { status: BAD, title: 'Funds unavailable' },
  '6280': { status: BAD, title: 'Capture failed, try again later' },
  '7010': { status: BAD, title: 'Customer not found' },
  '10010': { status: BAD, title: 'Approve failed' },
  '10020': { status: BAD, title: 'Approve not allowed' },
  '10030': { status: BAD, title: 'Test user not found' },
  '10040': { status: BAD, title: 'Test card not found' },
  '10050': { status: BAD, title: 'Test card expired' },
  '10060': { status: BAD, title: 'Test payment source rejected' },
  '10070': { status: BAD, title: 'Test approve timed out' },
}

/**
 * Refusals Vipps means as "not now": the simulator does not tie them to their Idempotency-Key, so
 * the same request sent again later gets a fresh answer (a 400 otherwise sticks to its key).
 */
export const TRY_AGAIN_CODES: ReadonlySet<string> = new Set(['6160', '6250', '6280'])

/** Statuses the Azure API gateway answers itself, in its own `{statusCode, message}` shape. */
export const GATEWAY_STATUSES: ReadonlySet<number> = new Set([401, 403, 429])
