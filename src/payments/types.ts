/**
 * The payments domain as tills see it (PROTOCOL-v1.md, "The payment object"). The protocol's
 * schemas in src/protocol describe the same shapes for the wire; this file is the engine's own.
 */

export type Currency = 'NOK' | 'DKK' | 'EUR'

export interface Money {
  /** Minor units, integer, > 0. */
  value: number
  currency: Currency
}

export const PAYMENT_STATUSES = [
  'queued',
  'pending',
  'authorized',
  'captured',
  'cancelling',
  'cancelled',
  'declined',
  'expired',
  'failed',
  'refunded',
  'partially_refunded',
] as const

export type PaymentStatus = (typeof PAYMENT_STATUSES)[number]

export type Flow = 'push' | 'qr'
export type CaptureMode = 'auto' | 'manual'

export type CustomerId = { phoneNumber: string } | { personalQr: string } | { customerToken: string }

/** A payment.create request from a till, already validated by the protocol layer. */
export interface CreatePaymentInput {
  key: string
  amount: Money
  flow: Flow
  customer?: CustomerId
  description?: string
  capture: CaptureMode
  receipt?: Record<string, unknown>
  metadata?: Record<string, string>
  /** Years; Vipps refuses a younger customer (7010). */
  minimumUserAge?: number
}

/** The payment object of the protocol. */
export interface PaymentView {
  key: string
  reference: string
  status: PaymentStatus
  flow: Flow
  capture: CaptureMode
  amount: Money
  captured: number
  refunded: number
  cancelled: number
  qr?: { url: string }
  failure?: { code: string; message: string }
  /** The last operation the till asked for that Vipps refused (PROTOCOL-v1, additions within version 1). */
  refusal?: { operation: 'capture' | 'cancel' | 'refund'; code: string; message: string; at: string }
  /** Present (true) when a person must look at the payment. */
  needsAttention?: true
  createdAt: string
  updatedAt: string
}

/** The answer to a till request, after it was durably applied. */
export interface RequestResult {
  payment: PaymentView
  /** True when the request repeated an earlier one with the same key and body. */
  replayed: boolean
}

/** One entry of a till's mailbox. Per till, seq rises by exactly 1, across restarts. */
export interface TillEvent {
  seq: number
  payment: PaymentView
}
