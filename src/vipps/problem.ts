/**
 * Reads what Vipps says about a failure. ePayment answers RFC 7807 `application/problem+json`
 * with the numeric code in `extraDetails` (name "ErrorCode"); Azure API Management answers 401,
 * 403 and 429 itself, in other shapes; the token endpoint uses an Azure AD shape. Whatever
 * arrives, this never throws.
 */

export interface ProblemFacts {
  /** The numeric Vipps code, e.g. "6080". Branch on this, never on the title. */
  vippsCode?: string
  title?: string
  traceId?: string
}

const MAX_TITLE = 200

export function parseProblem(text: string): ProblemFacts {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return {}
  }
  // Legacy eCom errors: [{errorGroup, errorCode, errorMessage, contextId}].
  if (Array.isArray(body)) {
    const first: unknown = body[0]
    return isRecord(first)
      ? compact({ vippsCode: str(first.errorCode), title: str(first.errorMessage), traceId: str(first.contextId) })
      : {}
  }
  if (!isRecord(body)) return {}
  return compact({
    vippsCode: errorCodeFrom(body.extraDetails),
    title: str(body.title) ?? str(body.message) ?? str(body.error_description) ?? str(body.error),
    traceId: str(body.traceId) ?? str(body.trace_id) ?? str(body.correlation_id),
  })
}

function errorCodeFrom(extraDetails: unknown): string | undefined {
  if (!Array.isArray(extraDetails)) return undefined
  for (const entry of extraDetails) {
    if (isRecord(entry) && typeof entry.name === 'string' && entry.name.toLowerCase() === 'errorcode') {
      return str(entry.reason)
    }
  }
  return undefined
}

function str(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  if (typeof value !== 'string' || value.trim() === '') return undefined
  return value.length > MAX_TITLE ? `${value.slice(0, MAX_TITLE)}…` : value
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function compact(facts: ProblemFacts): ProblemFacts {
  const out: ProblemFacts = {}
  if (facts.vippsCode !== undefined) out.vippsCode = facts.vippsCode
  if (facts.title !== undefined) out.title = facts.title
  if (facts.traceId !== undefined) out.traceId = facts.traceId
  return out
}
