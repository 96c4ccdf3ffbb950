import type { CreatePaymentRequest, Receipt } from '../vipps/types.js'
import type { CreatePaymentInput } from './types.js'

/**
 * The exact bytes of the create request, made once at accept and stored with its key. In store:
 * a WALLET payment with the customer present; `push` sends a push message to the customer (who
 * must be named), `qr` asks for the QR's target URL so the till can draw the code itself.
 */
export function createPaymentBody(reference: string, input: CreatePaymentInput): string {
  const request: CreatePaymentRequest = {
    amount: { currency: input.amount.currency, value: input.amount.value },
    paymentMethod: { type: 'WALLET' },
    reference,
    userFlow: input.flow === 'push' ? 'PUSH_MESSAGE' : 'QR',
    customerInteraction: 'CUSTOMER_PRESENT',
  }
  if (input.flow === 'push' && input.customer) request.customer = input.customer
  if (input.flow === 'qr') request.qrFormat = { format: 'TEXT/TARGETURL' }
  if (input.description !== undefined) request.paymentDescription = input.description
  if (input.receipt !== undefined) request.receipt = input.receipt as unknown as Receipt
  if (input.metadata !== undefined) request.metadata = input.metadata
  if (input.minimumUserAge !== undefined) request.minimumUserAge = input.minimumUserAge
  return JSON.stringify(request)
}
