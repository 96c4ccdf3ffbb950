import { AttemptTimeout } from './abort.js'
import { ProviderError } from './errors.js'
import type { ProblemFacts } from './problem.js'
import { policyFor, policyOperation } from './refusal-policy.js'

/**
 * Classification happens before any retry decision: every failure becomes a ProviderError whose
 * `retryable` flag says whether sending the same request again (same key, same bytes) is right.
 */

/** 408 is not in Vipps' list, but a repeat with the same key is safe by construction. */
export function isTransientStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 423 || status === 429
}

export function classifyStatus(
  status: number,
  problem: ProblemFacts,
  operation: string,
  retryAfterMs: number | undefined,
): ProviderError {
  const facts = { status, operation, ...problem, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) }
  const what = `Vipps answered ${status} to ${operation}${problem.vippsCode ? ` (code ${problem.vippsCode})` : ''}`
  const policy = policyFor(policyOperation(operation), status, problem.vippsCode)
  if (isTransientStatus(status) || policy.action.kind === 'retry') {
    return new ProviderError('PROVIDER_UNAVAILABLE', what, facts)
  }
  if (status === 401 || status === 403) return new ProviderError('PROVIDER_UNAUTHORIZED', what, facts)
  if (status === 404) return new ProviderError('PROVIDER_NOT_FOUND', what, facts)
  if (status === 409) return new ProviderError('PROVIDER_CONFLICT', what, facts)
  return new ProviderError('PROVIDER_REJECTED', what, facts)
}

/** A failure with no HTTP answer: the request may or may not have reached Vipps. */
export function classifyThrown(err: unknown, operation: string): ProviderError {
  if (err instanceof ProviderError) return err
  if (err instanceof AttemptTimeout) {
    return new ProviderError(
      'PROVIDER_UNAVAILABLE',
      `Vipps did not answer ${operation} within ${err.ms} ms`,
      { operation },
      err,
    )
  }
  const code = networkCode(err)
  return new ProviderError(
    'PROVIDER_UNAVAILABLE',
    `network error on ${operation}${code ? ` (${code})` : ''}`,
    { operation },
    err,
  )
}

/** The system or undici code under a fetch TypeError ("fetch failed"), e.g. ECONNRESET. */
export function networkCode(err: unknown): string | undefined {
  let current: unknown = err
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string') return code
    current = current.cause
  }
  return undefined
}

/**
 * For requests without an idempotency key (webhook registration, test approve): only failures
 * that prove the request had no effect may be retried.
 */
export function certainlyNotApplied(err: ProviderError): boolean {
  if (err.status === 429) return true
  return err.status === undefined && networkCode(err.cause) === 'ECONNREFUSED'
}
