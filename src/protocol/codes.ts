/**
 * The protocol's fixed vocabularies. The daemon keeps its own copies (src/payments/types.ts,
 * src/shared/errors.ts); src/gateway/contract.ts proves at compile time that they are equal, so
 * a till client never needs the daemon's code.
 */

export const PROTOCOL_VERSION = 1

export const PROTOCOL_ERROR_CODES = [
  'UNAUTHENTICATED',
  'INVALID_MESSAGE',
  'NOT_FOUND',
  'IDEMPOTENCY_CONFLICT',
  'INVALID_STATE',
  'ALREADY_CAPTURED',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'INTERNAL',
] as const
export type ProtocolErrorCode = (typeof PROTOCOL_ERROR_CODES)[number]

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

/** Statuses after which nothing happens unless the till asks (a refund of a captured payment). */
export const FINAL_STATUSES: readonly PaymentStatus[] = [
  'captured',
  'cancelled',
  'declined',
  'expired',
  'failed',
  'refunded',
]

export const PROVIDER_STATES = ['ok', 'degraded', 'down'] as const

/** WebSocket close codes the daemon uses. */
export const CLOSE = {
  /** The daemon is stopping. */
  GOING_AWAY: 1001,
  /** A non-text (binary) frame. */
  UNSUPPORTED_DATA: 1003,
  /** A text frame that is not valid UTF-8. */
  INVALID_UTF8: 1007,
  /** Flooding requests, or not reading what the daemon sends. */
  POLICY: 1008,
  /** A frame larger than MAX_FRAME_BYTES. */
  TOO_BIG: 1009,
  /** Added within version 1: too many sockets were waiting for hello and this was the oldest; reconnect. */
  TRY_AGAIN_LATER: 1013,
  /** The daemon failed while setting up the connection (its log says why). */
  INTERNAL_ERROR: 1011,
  /** No hello in time, a wrong token, or another frame before welcome. */
  UNAUTHENTICATED: 4401,
} as const

/** Largest frame either side sends. */
export const MAX_FRAME_BYTES = 64 * 1024
