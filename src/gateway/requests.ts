import { randomUUID } from 'node:crypto'
import type { Logger } from '../log/logger.js'
import type { PaymentsApi } from '../payments/api.js'
import type { CreatePaymentInput, CustomerId, RequestResult } from '../payments/types.js'
import type { Customer, ErrorFrame, ResultFrame, TillRequest } from '../protocol/index.js'
import { isTillErrorCode, TillbridgeError } from '../shared/errors.js'

/**
 * Carries out one validated request for one till. The till id comes from authentication, never
 * from the frame, so a till can only name its own payments: another till's key is NOT_FOUND.
 */
export async function runRequest(payments: PaymentsApi, tillId: string, request: TillRequest): Promise<ResultFrame> {
  const result = await apply(payments, tillId, request)
  return { type: 'result', id: request.id, replayed: result.replayed, payment: result.payment }
}

async function apply(payments: PaymentsApi, tillId: string, request: TillRequest): Promise<RequestResult> {
  switch (request.type) {
    case 'payment.create':
      return payments.create(tillId, toCreateInput(request))
    case 'payment.get':
      return { replayed: false, payment: payments.get(tillId, request.key) }
    case 'payment.cancel':
      return payments.cancel(tillId, request.key)
    case 'payment.capture':
      return payments.capture(tillId, request.key, request.amount)
    case 'payment.refund':
      return payments.refund(tillId, request.key, request.refundKey, request.amount)
  }
}

function toCreateInput(request: Extract<TillRequest, { type: 'payment.create' }>): CreatePaymentInput {
  const { type: _type, id: _id, customer, ...rest } = request
  return customer === undefined ? rest : { ...rest, customer: toCustomerId(customer) }
}

/** The protocol guarantees exactly one identifier; the engine's type says so too. */
function toCustomerId(customer: Customer): CustomerId {
  if (customer.phoneNumber !== undefined) return { phoneNumber: customer.phoneNumber }
  if (customer.personalQr !== undefined) return { personalQr: customer.personalQr }
  return { customerToken: customer.customerToken ?? '' }
}

/**
 * Turns anything a request threw into an error frame. Till codes pass through; a storage failure
 * becomes UNAVAILABLE; anything else is INTERNAL with a reference that matches the logged error.
 * The till never sees a stack trace.
 */
export function toErrorFrame(err: unknown, id: string | undefined, log: Logger): ErrorFrame {
  const frame = (code: ErrorFrame['code'], message: string, retryable: boolean): ErrorFrame =>
    id === undefined ? { type: 'error', code, message, retryable } : { type: 'error', id, code, message, retryable }
  if (err instanceof TillbridgeError && err.code !== 'INTERNAL') {
    // INTERNAL is a till code, but its message is an internal one ("Maximum call stack size
    // exceeded"): it goes to the log under a reference, never to the till.
    if (isTillErrorCode(err.code)) return frame(err.code, err.message, err.retryable)
    if (err.code === 'STORAGE_FAILED') return frame('UNAVAILABLE', 'the journal cannot be written now', true)
    if (err.retryable) {
      log.warn('request failed', { code: err.code, message: err.message })
      return frame('UNAVAILABLE', 'the daemon cannot accept this now; ask payment.get before retrying', true)
    }
  }
  const ref = randomUUID().slice(0, 8)
  log.error('request failed with an internal error', { ref, err })
  return frame('INTERNAL', `internal error (ref ${ref}); please report it with the daemon log`, true)
}
