import { TillbridgeError } from '../shared/errors.js'
import type { PaymentStatus } from './types.js'

export function notFound(key: string): TillbridgeError {
  return new TillbridgeError('NOT_FOUND', `no payment with key "${key}" for this till`)
}

export function invalidState(key: string, status: PaymentStatus, what: string): TillbridgeError {
  return new TillbridgeError('INVALID_STATE', `payment "${key}" is ${status}: ${what}`, { details: { status } })
}

export function invalidField(message: string): TillbridgeError {
  return new TillbridgeError('INVALID_MESSAGE', message)
}

export function idempotencyConflict(what: string): TillbridgeError {
  return new TillbridgeError('IDEMPOTENCY_CONFLICT', `${what} was used before with a different request`)
}

export function unavailable(message: string, cause?: unknown): TillbridgeError {
  return new TillbridgeError('UNAVAILABLE', message, { retryable: true, cause })
}

export function alreadyCaptured(key: string): TillbridgeError {
  return new TillbridgeError('ALREADY_CAPTURED', `payment "${key}" was already captured: refund it instead`)
}
