import { TillbridgeError } from '../shared/errors.js'
import { ProviderError } from '../vipps/errors.js'
import { type PolicyRow, policyFor, policyOperation } from '../vipps/refusal-policy.js'
import type { CallEntry } from './timeline.js'

/** A failed provider call, classified once: what to store and whether the same request may be sent again. */
export interface CallFailure {
  entry: CallEntry
  /** The outcome is unknown or transient: the same key and body may be sent again later. */
  retryable: boolean
  /** Vipps does not know the reference (404, or code 5090 whatever the status). */
  notFound: boolean
  /** The policy table's row for this answer; undefined when there was no answer. */
  policy: PolicyRow | undefined
  vippsCode: string | undefined
  httpStatus: number | undefined
  retryAfterMs: number | undefined
  /** Our own code of a refusal that never reached Vipps. */
  code?: string | undefined
  message: string
}

const OUTCOME: Record<string, string> = {
  PROVIDER_UNAVAILABLE: 'unavailable',
  PROVIDER_REJECTED: 'rejected',
  PROVIDER_UNAUTHORIZED: 'unauthorized',
  PROVIDER_NOT_FOUND: 'not_found',
  PROVIDER_CONFLICT: 'conflict',
}

export function classifyFailure(operation: string, idempotencyKey: string | undefined, err: unknown): CallFailure {
  if (err instanceof ProviderError) {
    const policy =
      err.status === undefined ? undefined : policyFor(policyOperation(operation), err.status, err.vippsCode)
    return {
      entry: {
        operation,
        idempotencyKey,
        httpStatus: err.status,
        vippsCode: err.vippsCode,
        traceId: err.traceId,
        outcome: OUTCOME[err.code] ?? 'error',
        detail: err.title ?? err.message,
      },
      retryable: err.retryable,
      notFound: policy?.action.kind === 'notFound',
      policy,
      vippsCode: err.vippsCode,
      httpStatus: err.status,
      retryAfterMs: err.retryAfterMs,
      message: err.title ?? err.message,
    }
  }
  // A refusal before anything was sent (no client for the payment's sales unit) is final. Anything
  // else (a bug, a network error the client did not wrap) says nothing about whether the request
  // arrived: treat it as unknown and ask again later with the same key.
  const message = err instanceof Error ? err.message : String(err)
  const refused = err instanceof TillbridgeError && !err.retryable
  return {
    entry: { operation, idempotencyKey, outcome: 'error', detail: message },
    retryable: !refused,
    notFound: false,
    policy: undefined,
    vippsCode: undefined,
    code: refused ? err.code : undefined,
    httpStatus: undefined,
    retryAfterMs: undefined,
    message,
  }
}

/** The `failure.code` a till sees when Vipps refused a create: Vipps' own code where it sent one. */
export function failureCode(f: CallFailure): string {
  return f.vippsCode ?? (f.httpStatus !== undefined ? `HTTP_${f.httpStatus}` : (f.code ?? 'PROVIDER_ERROR'))
}

/**
 * Exponential backoff with jitter for the n-th consecutive failure (n ≥ 1), never below what
 * Vipps asked for in Retry-After: the next try comes later, never in a tight loop.
 */
export function retryDelay(
  n: number,
  minMs: number,
  maxMs: number,
  random: () => number,
  retryAfterMs?: number,
): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.min(Math.max(n, 1) - 1, 30))
  const jittered = ceiling / 2 + (random() * ceiling) / 2
  return Math.max(Math.round(jittered), retryAfterMs ?? 0)
}
