/**
 * One error type for the whole daemon: a closed set of string codes and a `retryable` flag, so
 * every caller classifies before it retries. docs/payments.md (Error codes) lists every code.
 */

/** Codes a till can receive (PROTOCOL-v1.md). */
export const TILL_ERROR_CODES = [
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

/** Codes that stay inside the daemon, its logs and its CLI. */
export const DAEMON_ERROR_CODES = [
  'USAGE',
  'CONFIG_INVALID',
  'SECRET_UNREADABLE',
  'SCHEMA_MISMATCH',
  'MIGRATION_FAILED',
  'STORAGE_FAILED',
  'JOURNAL_LOCKED',
  'PROVIDER_UNAVAILABLE',
  'PROVIDER_REJECTED',
  'PROVIDER_UNAUTHORIZED',
  'PROVIDER_NOT_FOUND',
  'PROVIDER_CONFLICT',
] as const

export type TillErrorCode = (typeof TILL_ERROR_CODES)[number]
export type DaemonErrorCode = (typeof DAEMON_ERROR_CODES)[number]
export type ErrorCode = TillErrorCode | DaemonErrorCode

export interface TillbridgeErrorOptions {
  retryable?: boolean
  cause?: unknown
  /** Structured facts for logs (never secrets). */
  details?: Record<string, unknown>
}

export class TillbridgeError extends Error {
  override name = 'TillbridgeError'
  readonly code: ErrorCode
  readonly retryable: boolean
  readonly details: Record<string, unknown> | undefined

  constructor(code: ErrorCode, message: string, options: TillbridgeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.retryable = options.retryable ?? false
    this.details = options.details
  }
}

/** Wraps anything thrown into a TillbridgeError once, at a boundary, keeping the original as cause. */
export function toTillbridgeError(err: unknown, fallback: ErrorCode = 'INTERNAL'): TillbridgeError {
  if (err instanceof TillbridgeError) return err
  const message = err instanceof Error ? err.message : String(err)
  return new TillbridgeError(fallback, message, { cause: err, retryable: fallback === 'INTERNAL' })
}

export function isTillErrorCode(code: string): code is TillErrorCode {
  return (TILL_ERROR_CODES as readonly string[]).includes(code)
}
