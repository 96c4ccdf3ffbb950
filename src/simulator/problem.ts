import { type ErrorCode, TillbridgeError } from '../shared/errors.js'

/** One `extraDetails` entry: `{name: "ErrorCode", reason: "6080"}`, or a field and what is wrong with it. */
export interface ExtraDetail {
  name: string
  reason: string
}

/** The `application/problem+json` body every simulator refusal carries (RFC 7807, Vipps style). */
export interface ProblemBody {
  type: string
  title: string
  status: number
  detail: string
  instance: string
  traceId: string
  extraDetails?: ExtraDetail[]
}

export interface ProblemOptions {
  /** The numeric Vipps error code, e.g. "6080"; goes first in extraDetails. */
  code?: string
  detail?: string
  /** Field-level details (validation). */
  fields?: ExtraDetail[]
  headers?: Record<string, string>
}

/**
 * A refusal the simulator answers with, thrown from deep inside a handler and turned into a
 * problem+json answer at the edge. Its tillbridge code says what the refusal means to a client,
 * so it reads like the ProviderError a client would build from the same answer.
 */
export class VippsProblem extends TillbridgeError {
  override name = 'VippsProblem'
  readonly status: number
  readonly title: string
  readonly vippsCode: string | undefined
  readonly detail: string
  readonly fields: ExtraDetail[]
  readonly headers: Record<string, string>

  constructor(status: number, title: string, options: ProblemOptions = {}) {
    super(codeForStatus(status), `${status} ${title}`, {
      retryable: isRetryableStatus(status),
      details: { status, vippsCode: options.code },
    })
    this.status = status
    this.title = title
    this.vippsCode = options.code
    this.detail = options.detail ?? title
    this.fields = options.fields ?? []
    this.headers = options.headers ?? {}
  }

  toBody(instance: string, traceId: string): ProblemBody {
    const extra: ExtraDetail[] = [
      ...(this.vippsCode ? [{ name: 'ErrorCode', reason: this.vippsCode }] : []),
      ...this.fields,
    ]
    return {
      type: `https://httpstatuses.io/${this.status}`,
      title: this.title,
      status: this.status,
      detail: this.detail,
      instance,
      traceId,
      ...(extra.length > 0 ? { extraDetails: extra } : {}),
    }
  }
}

export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 423 || status === 429
}

function codeForStatus(status: number): ErrorCode {
  if (isRetryableStatus(status)) return 'PROVIDER_UNAVAILABLE'
  if (status === 401 || status === 403) return 'PROVIDER_UNAUTHORIZED'
  if (status === 404) return 'PROVIDER_NOT_FOUND'
  if (status === 409) return 'PROVIDER_CONFLICT'
  return 'PROVIDER_REJECTED'
}

/** Shorthands for the refusals used in more than one place. */
export const problems = {
  badRequest: (detail: string, fields: ExtraDetail[] = [], code?: string) =>
    new VippsProblem(400, 'Bad Request', { detail, fields, ...(code ? { code } : {}) }),
  unauthorized: (detail: string) => new VippsProblem(401, 'Unauthorized', { detail }),
  notFound: (detail: string, code?: string) =>
    new VippsProblem(404, 'Not Found', { detail, ...(code ? { code } : {}) }),
  paymentNotFound: (reference: string) =>
    new VippsProblem(404, 'Reference not found', {
      code: '5090',
      detail: `No payment with reference ${reference} for this sales unit`,
    }),
  rule: (code: string, title: string, detail?: string) =>
    new VippsProblem(400, title, { code, ...(detail ? { detail } : {}) }),
}
