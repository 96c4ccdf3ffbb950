import type { SimCredentialSet, SimSalesUnit } from './demo.js'
import { type Answer, header, PROBLEM_TYPE, parseJsonBody, type SimRequest } from './http-io.js'
import { fingerprint } from './idempotency.js'
import { problems, VippsProblem } from './problem.js'
import { TRY_AGAIN_CODES } from './refusal-codes.js'
import { MSN_PATTERN, REFERENCE_PATTERN } from './schemas.js'
import type { SimState } from './sim-state.js'

/**
 * The checks in front of every Vipps operation, in the order the real platform applies them:
 * token and subscription key (401), then headers (400), then rate limits (429), then the
 * idempotency store, then the operation itself.
 */

const SYSTEM_HEADERS = [
  'vipps-system-name',
  'vipps-system-version',
  'vipps-system-plugin-name',
  'vipps-system-plugin-version',
]

export function traceId(state: SimState): string {
  return `00-${state.ids.hex(32)}-${state.ids.hex(16)}-01`
}

export function problemAnswer(state: SimState, problem: VippsProblem, instance: string): Answer {
  return {
    status: problem.status,
    contentType: PROBLEM_TYPE,
    headers: problem.headers,
    body: problem.toBody(instance, traceId(state)),
  }
}

/** Vipps-System-* headers are optional but at most 30 characters each. */
export function checkSystemHeaders(req: SimRequest): void {
  const tooLong = SYSTEM_HEADERS.filter((name) => (header(req, name) ?? '').length > 30)
  if (tooLong.length > 0) {
    throw problems.badRequest(
      'Vipps-System-* headers are at most 30 characters',
      tooLong.map((name) => ({ name, reason: 'longer than 30 characters' })),
    )
  }
}

/** Bearer token + subscription key, system headers, and a Merchant-Serial-Number these keys may use. */
export function authorizeMerchant(
  state: SimState,
  req: SimRequest,
): { credentials: SimCredentialSet; unit: SimSalesUnit } {
  const credentials = state.tokens.authenticate(req)
  checkSystemHeaders(req)
  const msn = header(req, 'merchant-serial-number')
  if (!msn) {
    throw problems.badRequest('The Merchant-Serial-Number header is required', [
      { name: 'Merchant-Serial-Number', reason: 'The header is required' },
    ])
  }
  if (!MSN_PATTERN.test(msn)) {
    throw problems.badRequest('Merchant-Serial-Number must be 4 to 7 digits', [
      { name: 'Merchant-Serial-Number', reason: `must match ${MSN_PATTERN.source}` },
    ])
  }
  const unit = state.salesUnits.get(msn)
  if (!unit || !credentials.msns.includes(msn)) {
    throw problems.unauthorized(`These API keys cannot act for Merchant-Serial-Number ${msn}`)
  }
  return { credentials, unit }
}

export function requireReference(req: SimRequest): string {
  const reference = req.params.reference ?? ''
  if (!REFERENCE_PATTERN.test(reference)) {
    throw problems.badRequest('The reference is not valid', [
      { name: 'reference', reason: `must match ${REFERENCE_PATTERN.source}` },
    ])
  }
  return reference
}

export function requireIdempotencyKey(req: SimRequest): string {
  const key = header(req, 'idempotency-key')
  if (!key) {
    throw problems.badRequest('The Idempotency-Key header is required', [
      { name: 'Idempotency-Key', reason: 'The header is required' },
    ])
  }
  if (key.length > 50) {
    throw problems.badRequest('The Idempotency-Key header is at most 50 characters', [
      { name: 'Idempotency-Key', reason: 'longer than 50 characters' },
    ])
  }
  return key
}

/**
 * Reads a JSON body without throwing yet: a malformed body is refused inside the idempotency
 * scope, so the 400 sticks to its key like any other 4xx. `body` is then the raw text.
 */
export function readJson(req: SimRequest): { body: unknown; error?: VippsProblem } {
  try {
    return { body: parseJsonBody(req) }
  } catch (err) {
    if (!(err instanceof VippsProblem)) throw err
    return { body: req.rawBody, error: err }
  }
}

/** Counts the request against its per-reference limit; 429 with Retry-After when over it. */
export function rateLimit(state: SimState, key: string, perMinute: number): void {
  const wait = state.rateLimiter.take(key, perMinute, state.clock.monotonic())
  if (wait !== undefined) {
    throw new VippsProblem(429, 'Too Many Requests', {
      detail: `Rate limit of ${perMinute} per minute exceeded for this reference`,
      headers: { 'retry-after': String(wait) },
    })
  }
}

function isTryAgain(answer: Answer): boolean {
  if (answer.status >= 500 || answer.status === 423 || answer.status === 429) return true
  const extra = (answer.body as { extraDetails?: Array<{ name: string; reason: string }> } | undefined)?.extraDetails
  const code = extra?.find((d) => d.name === 'ErrorCode')?.reason
  return code !== undefined && TRY_AGAIN_CODES.has(code)
}

/**
 * Runs a money-moving operation under its Idempotency-Key: a known key with the same request
 * replays the first answer; with another request it is a 409 carrying `conflictCode`.
 */
export function withIdempotency(
  state: SimState,
  req: SimRequest,
  scope: string,
  key: string,
  body: unknown,
  conflictCode: string,
  run: () => Answer,
): Answer {
  const print = fingerprint(req.method, req.path, body)
  const found = state.idempotency.lookup(scope, key, print)
  if (found.kind === 'replay') return found.answer
  if (found.kind === 'conflict') {
    throw new VippsProblem(409, 'Idempotency conflict', {
      code: conflictCode,
      detail: `Idempotency-Key ${key} was already used for a different request`,
    })
  }
  let answer: Answer
  try {
    answer = run()
  } catch (err) {
    if (!(err instanceof VippsProblem)) throw err
    answer = problemAnswer(state, err, req.path)
  }
  // A "not now" refusal does not stick to its key: the same request later gets a fresh answer.
  if (!isTryAgain(answer)) state.idempotency.remember(scope, key, print, answer)
  return answer
}
