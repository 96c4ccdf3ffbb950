import { type ErrorCode, TillbridgeError } from '../shared/errors.js'

export interface ProviderErrorFacts {
  /** HTTP status, absent for network errors and timeouts. */
  status?: number
  /** The numeric Vipps code from `extraDetails` (e.g. "6080"), when Vipps sent one. */
  vippsCode?: string
  title?: string
  traceId?: string
  /** From `Retry-After`, in ms. */
  retryAfterMs?: number
  /** Which operation failed, e.g. "capturePayment". */
  operation?: string
}

/**
 * An error from Vipps or the way to it. Branch on `code`, `status` and `vippsCode`, never on
 * `title` (Vipps rewords titles).
 */
export class ProviderError extends TillbridgeError {
  override name = 'ProviderError'
  readonly status: number | undefined
  readonly vippsCode: string | undefined
  readonly title: string | undefined
  readonly traceId: string | undefined
  readonly retryAfterMs: number | undefined
  readonly operation: string | undefined

  constructor(
    code: Extract<
      ErrorCode,
      | 'PROVIDER_UNAVAILABLE'
      | 'PROVIDER_REJECTED'
      | 'PROVIDER_UNAUTHORIZED'
      | 'PROVIDER_NOT_FOUND'
      | 'PROVIDER_CONFLICT'
    >,
    message: string,
    facts: ProviderErrorFacts = {},
    cause?: unknown,
  ) {
    super(code, message, {
      retryable: code === 'PROVIDER_UNAVAILABLE',
      cause,
      details: { ...facts },
    })
    this.status = facts.status
    this.vippsCode = facts.vippsCode
    this.title = facts.title
    this.traceId = facts.traceId
    this.retryAfterMs = facts.retryAfterMs
    this.operation = facts.operation
  }
}
