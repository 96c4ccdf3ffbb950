import type { Answer, SimRequest } from './http-io.js'
import { answerBytes } from './http-io.js'
import { type Exchange, maskHeaders, parseMaybeJson, type RequestOutcome } from './request-log.js'
import type { SimState } from './sim-state.js'

/** How a request on a Vipps path ended: answered, or its connection dropped by a fault. */
export type Verdict =
  | { kind: 'answer'; answer: Answer; fault?: string }
  | { kind: 'drop'; outcome: Exclude<RequestOutcome, 'answered'>; fault: string }

/** Adds the request to the log of `GET /_sim/requests` and hands answered ones to `onExchange`. */
export function recordRequest(state: SimState, req: SimRequest, verdict: Verdict): void {
  const answered = verdict.kind === 'answer'
  state.requests.add({
    at: new Date(state.clock.now()).toISOString(),
    method: req.method,
    path: req.path,
    query: req.query.toString(),
    headers: maskHeaders(req.headers),
    body: parseMaybeJson(req.rawBody),
    status: answered ? verdict.answer.status : null,
    outcome: answered ? 'answered' : verdict.outcome,
    ...(verdict.fault ? { fault: verdict.fault } : {}),
  })
  state.log.debug('simulator request', {
    method: req.method,
    path: req.path,
    status: answered ? verdict.answer.status : null,
    fault: verdict.fault,
  })
  if (!answered || !state.options.onExchange) return
  const { answer } = verdict
  const bytes = answerBytes(answer)
  const exchange: Exchange = {
    method: req.method,
    path: req.path,
    query: req.query.toString(),
    requestHeaders: req.headers,
    requestBody: req.rawBody,
    status: answer.status,
    contentType: bytes.length > 0 || answer.contentType ? (answer.contentType ?? 'application/json') : undefined,
    responseHeaders: { ...answer.headers },
    responseText: bytes.toString('utf8'),
  }
  try {
    state.options.onExchange(exchange)
  } catch (err) {
    state.log.warn('simulator onExchange hook failed', { err })
  }
}
