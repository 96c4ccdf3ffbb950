import pRetry, { AbortError } from 'p-retry'
import type { Logger } from '../log/logger.js'
import type { Clock } from '../shared/clock.js'
import { AttemptTimeout, DeadlineExceeded, linkedAbort } from './abort.js'
import type { CallOptions } from './api.js'
import { type BackoffPolicy, backoffDelay, parseRetryAfter } from './backoff.js'
import { certainlyNotApplied, classifyStatus, classifyThrown, isTransientStatus } from './classify.js'
import { ProviderError } from './errors.js'
import { callFetch, joinUrl, type SystemInfo, systemHeaders } from './headers.js'
import type { HealthTracker } from './health.js'
import { parseProblem } from './problem.js'

/** Where tokens come from; TokenManager in the daemon. */
export interface TokenSource {
  getToken(signal?: AbortSignal): Promise<string>
  invalidate(value: string): void
}

export interface RetryPolicy extends BackoffPolicy {
  /** Per HTTP attempt, reading the body included. */
  attemptTimeoutMs: number
  /** Per call, all attempts and waits included. */
  deadlineMs: number
  /** Attempts after the first. */
  retries: number
}

export interface VippsHttpOptions {
  msn: string
  subscriptionKey: string
  tokens: TokenSource
  baseUrl: () => string
  system: SystemInfo
  fetch: typeof globalThis.fetch
  clock: Clock
  log: Logger
  health: HealthTracker
  policy: RetryPolicy
  random?: () => number
  /** Told of every finished call: operation, outcome ("ok" or the error code), seconds taken. */
  onCall?: (operation: string, outcome: string, seconds: number) => void
}

export interface RequestSpec {
  /** Operation name for logs and errors, e.g. "capturePayment". */
  operation: string
  method: 'GET' | 'POST' | 'DELETE'
  path: string
  /** The exact bytes to send on every attempt. */
  body?: string
  idempotencyKey?: string
  /**
   * Whether repeating the request cannot do the thing twice (GET, DELETE, or a POST with an
   * Idempotency-Key). When false, only failures that prove nothing happened are retried.
   */
  idempotent: boolean
}

export interface HttpAnswer {
  status: number
  /** Parsed JSON, or undefined for an empty body. */
  body: unknown
}

interface CallState {
  refreshed: boolean
  /** HTTP requests sent so far, and how many the caller allows. */
  sent: number
  maxAttempts: number
  onAttempt: (() => void) | undefined
  /** The latest classified failure, for the error reported when the call is cut short. */
  last: ProviderError | undefined
}

/**
 * Every request to Vipps for one sales unit goes through `request()`.
 *
 * Each attempt builds a new headers object and sends the same body string, so a retry is
 * byte-identical and carries the caller's Idempotency-Key. Each attempt has its own timeout and
 * the call has an overall deadline, both on the injected clock, combined with the caller's
 * signal. Failures are classified first (classify.ts); only retryable ones are retried by p-retry.
 * p-retry's own timer is set to zero: the backoff (jittered, honouring Retry-After, never past the
 * deadline) is awaited in `shouldRetry` on the injected clock, so tests can move time.
 * A 401 invalidates the token, fetches a new one and re-sends once per call.
 */
export class VippsHttp {
  readonly #o: VippsHttpOptions

  constructor(options: VippsHttpOptions) {
    this.#o = options
  }

  get msn(): string {
    return this.#o.msn
  }

  /** The configured base URL (it may only be known after the simulator started). */
  baseUrl(): string {
    return this.#o.baseUrl()
  }

  async request(spec: RequestSpec, options: CallOptions = {}): Promise<HttpAnswer> {
    const { clock, policy } = this.#o
    const deadlineMs = options.deadlineMs ?? policy.deadlineMs
    const startedAt = clock.monotonic()
    const call = linkedAbort([options.signal], {
      clock,
      ms: deadlineMs,
      reason: () => new DeadlineExceeded(deadlineMs),
    })
    const maxAttempts = Math.max(1, options.maxAttempts ?? Number.POSITIVE_INFINITY)
    const state: CallState = { refreshed: false, last: undefined, sent: 0, maxAttempts, onAttempt: options.onAttempt }
    try {
      const answer = await pRetry(() => this.#attempt(spec, call.signal, state), {
        retries: Math.min(policy.retries, maxAttempts - 1),
        minTimeout: 0,
        maxTimeout: 0,
        factor: 1,
        randomize: false,
        signal: call.signal,
        shouldRetry: ({ error, retriesConsumed }) =>
          this.#waitBeforeRetry(spec, error, retriesConsumed + 1, startedAt + deadlineMs, call.signal),
      })
      this.#o.health.answered()
      this.#o.onCall?.(spec.operation, 'ok', (clock.monotonic() - startedAt) / 1000)
      return answer
    } catch (err) {
      const error = this.#finalError(spec, err, call.signal, state.last)
      const byCaller = call.signal.aborted && !(call.signal.reason instanceof DeadlineExceeded)
      this.#report(spec, error, byCaller)
      this.#o.onCall?.(spec.operation, error.code, (clock.monotonic() - startedAt) / 1000)
      throw error
    } finally {
      call.dispose()
    }
  }

  async #attempt(spec: RequestSpec, signal: AbortSignal, state: CallState): Promise<HttpAnswer> {
    try {
      let token = await this.#o.tokens.getToken(signal)
      let answer = await this.#counted(spec, token, signal, state)
      if (answer.status === 401 && !state.refreshed && state.sent < state.maxAttempts) {
        state.refreshed = true
        this.#o.log.info('access token refused; refreshing once', { operation: spec.operation, msn: this.msn })
        this.#o.tokens.invalidate(token)
        token = await this.#o.tokens.getToken(signal)
        answer = await this.#counted(spec, token, signal, state)
      }
      if (answer.status >= 200 && answer.status < 300) return { status: answer.status, body: parseBody(answer, spec) }
      const error = classifyStatus(
        answer.status,
        parseProblem(answer.text),
        spec.operation,
        parseRetryAfter(answer.retryAfter, this.#o.clock.now()),
      )
      // Within a call only transient statuses are sent again at once; a "try again later" refusal
      // (6160, 6250, 6280) ends the call retryable, and the engine waits as the policy says.
      throw error.retryable && isTransientStatus(answer.status) ? error : new AbortError(error)
    } catch (err) {
      if (err instanceof AbortError) throw err
      // The call is over (deadline or caller): no further attempt.
      if (signal.aborted) throw new AbortError(this.#abortedError(spec, signal.reason, state.last ?? err))
      const error = classifyThrown(err, spec.operation)
      state.last = error
      throw error.retryable ? error : new AbortError(error)
    }
  }

  /** One HTTP request, counted for the caller's limit; none once the limit is used up. */
  #counted(spec: RequestSpec, token: string, signal: AbortSignal, state: CallState) {
    if (state.sent >= state.maxAttempts) {
      throw new AbortError(
        state.last ??
          new ProviderError('PROVIDER_UNAVAILABLE', `${spec.operation}: no request left this minute`, {
            operation: spec.operation,
          }),
      )
    }
    state.sent++
    state.onAttempt?.()
    return this.#send(spec, token, signal)
  }

  async #send(
    spec: RequestSpec,
    token: string,
    callSignal: AbortSignal,
  ): Promise<{ status: number; text: string; retryAfter: string | null }> {
    const { clock, policy } = this.#o
    const attempt = linkedAbort([callSignal], {
      clock,
      ms: policy.attemptTimeoutMs,
      reason: () => new AttemptTimeout(policy.attemptTimeoutMs),
    })
    try {
      const response = await callFetch(this.#o.fetch, joinUrl(this.#o.baseUrl(), spec.path), {
        method: spec.method,
        headers: this.#headers(spec, token),
        ...(spec.body === undefined ? {} : { body: spec.body }),
        redirect: 'manual',
        signal: attempt.signal,
      })
      const text = await response.text()
      return { status: response.status, text, retryAfter: response.headers.get('retry-after') }
    } catch (err) {
      const reason: unknown = attempt.signal.reason
      throw attempt.signal.aborted && reason instanceof AttemptTimeout && !callSignal.aborted ? reason : err
    } finally {
      attempt.dispose()
    }
  }

  /** A new object per attempt: nothing of one attempt leaks into the next. */
  #headers(spec: RequestSpec, token: string): Record<string, string> {
    return {
      Authorization: `Bearer ${token}`,
      'Ocp-Apim-Subscription-Key': this.#o.subscriptionKey,
      'Merchant-Serial-Number': this.#o.msn,
      ...systemHeaders(this.#o.system),
      Accept: 'application/json, application/problem+json',
      ...(spec.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...(spec.idempotencyKey === undefined ? {} : { 'Idempotency-Key': spec.idempotencyKey }),
    }
  }

  async #waitBeforeRetry(
    spec: RequestSpec,
    error: Error,
    retry: number,
    deadlineAt: number,
    signal: AbortSignal,
  ): Promise<boolean> {
    if (!(error instanceof ProviderError) || !error.retryable) return false
    if (!spec.idempotent && !certainlyNotApplied(error)) return false
    const { clock, policy, log } = this.#o
    const delay = Math.max(backoffDelay(retry, policy, this.#o.random), error.retryAfterMs ?? 0)
    if (clock.monotonic() + delay >= deadlineAt) return false
    log.warn('vipps attempt failed; retrying', { ...logFacts(spec, this.msn, error), retry, retryInMs: delay })
    this.#o.health.retrying(`${spec.operation}: ${error.message}`)
    await clock.sleep(delay, signal)
    return true
  }

  #finalError(spec: RequestSpec, err: unknown, signal: AbortSignal, last: ProviderError | undefined): ProviderError {
    if (err instanceof ProviderError) return err
    if (signal.aborted) return this.#abortedError(spec, signal.reason, last ?? err)
    return classifyThrown(err, spec.operation)
  }

  #abortedError(spec: RequestSpec, reason: unknown, last: unknown): ProviderError {
    const lastFacts = last instanceof ProviderError ? { status: last.status, vippsCode: last.vippsCode } : {}
    const facts = { operation: spec.operation, ...lastFacts }
    if (reason instanceof DeadlineExceeded) {
      return new ProviderError('PROVIDER_UNAVAILABLE', `${spec.operation}: ${reason.message}`, facts, last)
    }
    return new ProviderError('PROVIDER_UNAVAILABLE', `${spec.operation} aborted; outcome unknown`, facts, reason)
  }

  #report(spec: RequestSpec, error: ProviderError, abortedByCaller: boolean): void {
    const facts = logFacts(spec, this.msn, error)
    if (abortedByCaller) {
      // Shutdown, usually: says nothing about Vipps.
      this.#o.log.info('vipps call aborted', facts)
    } else if (error.code === 'PROVIDER_UNAVAILABLE' || error.code === 'PROVIDER_UNAUTHORIZED') {
      this.#o.log.error('vipps call failed', facts)
      this.#o.health.gaveUp(`${spec.operation}: ${error.message}`)
    } else {
      this.#o.log.warn('vipps call refused', facts)
      this.#o.health.answered()
    }
  }
}

function parseBody(answer: { status: number; text: string }, spec: RequestSpec): unknown {
  if (answer.text.trim() === '') return undefined
  try {
    return JSON.parse(answer.text)
  } catch (err) {
    // The operation may have happened; the same key and body will read the answer again.
    throw new ProviderError(
      'PROVIDER_UNAVAILABLE',
      `unreadable answer to ${spec.operation}`,
      { status: answer.status, operation: spec.operation },
      err,
    )
  }
}

/** Everything useful for support, nothing secret: no headers, no bodies. */
function logFacts(spec: RequestSpec, msn: string, error: ProviderError): Record<string, unknown> {
  return {
    operation: spec.operation,
    method: spec.method,
    path: spec.path,
    msn,
    idempotencyKey: spec.idempotencyKey,
    code: error.code,
    status: error.status,
    vippsCode: error.vippsCode,
    traceId: error.traceId,
    error: error.message,
  }
}
