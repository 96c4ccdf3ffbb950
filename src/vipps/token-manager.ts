import type { VippsCredentials } from '../config/secrets.js'
import type { Logger } from '../log/logger.js'
import type { Clock, TimerHandle } from '../shared/clock.js'
import { AttemptTimeout, linkedAbort, raceSignal } from './abort.js'
import { type BackoffPolicy, backoffDelay, parseRetryAfter } from './backoff.js'
import { classifyThrown } from './classify.js'
import { ProviderError } from './errors.js'
import { callFetch, joinUrl, type SystemInfo, systemHeaders } from './headers.js'
import type { HealthTracker } from './health.js'
import { parseProblem } from './problem.js'

export interface TokenManagerOptions {
  /** The credential set's name, used in logs and health (never a secret). */
  name: string
  credentials: VippsCredentials
  /** Sent on the token request for merchant (sales-unit) keys; partner keys send none. */
  msn?: string
  baseUrl: () => string
  system: SystemInfo
  fetch: typeof globalThis.fetch
  clock: Clock
  log: Logger
  health: HealthTracker
  attemptTimeoutMs: number
  /** Between failed token requests; default 1 s doubling to 60 s. */
  backoff?: BackoffPolicy
  random?: () => number
}

interface CachedToken {
  value: string
  /** Monotonic ms after which the token must not be sent. */
  usableUntil: number
  /** Monotonic ms at which a fresh token is fetched. */
  refreshAt: number
  expiresAt: number
}

const DEFAULT_BACKOFF: BackoffPolicy = { minDelayMs: 1000, maxDelayMs: 60_000 }
/** Used when `expires_in` is unreadable: short enough to be harmless, long enough not to hammer. */
const FALLBACK_LIFETIME_MS = 5 * 60_000
/** Timers are re-armed at least daily, so a long wait never overflows a timer. */
const MAX_TIMER_MS = 24 * 3600_000

/**
 * One access token per credential set, in memory only.
 *
 * Lifetime comes from `expires_in` (a string) measured on the monotonic clock from the moment
 * before the request was sent, so a stepped wall clock changes nothing. A timer refreshes the
 * token ahead of expiry (the larger of 60 s and 10 % of the lifetime); callers in that window
 * still get the current token. Every fetch is single-flight. After a failed fetch, no new token
 * request is made until a jittered backoff has passed; meanwhile callers get a retryable
 * PROVIDER_UNAVAILABLE with `retryAfterMs` (or PROVIDER_UNAUTHORIZED when the keys were refused).
 */
export class TokenManager {
  readonly name: string
  readonly #o: TokenManagerOptions
  #token: CachedToken | undefined
  #inflight: Promise<CachedToken> | undefined
  #failures = 0
  #nextFetchAt = 0
  #lastFailure: ProviderError | undefined
  #timer: TimerHandle | undefined
  #stopping: AbortController | undefined
  #stopped = false

  constructor(options: TokenManagerOptions) {
    this.name = options.name
    this.#o = options
  }

  /** Fetches a first token in the background and keeps it fresh until stop(). */
  async start(): Promise<void> {
    this.#stopping = new AbortController()
    this.#stopped = false
    this.#schedule(0)
  }

  async stop(): Promise<void> {
    const stopping = this.#stopping
    this.#stopping = undefined
    this.#stopped = true
    if (this.#timer) this.#o.clock.clearTimeout(this.#timer)
    this.#timer = undefined
    stopping?.abort(new Error('token manager stopped'))
    await this.#inflight?.catch(() => {})
  }

  /** Seconds until the current token expires, or undefined when there is none. */
  secondsLeft(): number | undefined {
    const token = this.#token
    if (!token) return undefined
    return Math.max(0, Math.floor((token.expiresAt - this.#o.clock.monotonic()) / 1000))
  }

  /** A token that is valid now; fetched once for all concurrent callers when needed. */
  async getToken(signal?: AbortSignal): Promise<string> {
    const now = this.#o.clock.monotonic()
    const token = this.#token
    if (token && now < token.usableUntil) {
      if (now >= token.refreshAt) this.#refresh().catch(() => {})
      return token.value
    }
    return (await raceSignal(this.#refresh(), signal)).value
  }

  /** Vipps refused `value` (401): forget it, unless a newer token has replaced it already. */
  invalidate(value: string): void {
    if (this.#token?.value === value) this.#token = undefined
  }

  #refresh(): Promise<CachedToken> {
    if (this.#inflight) return this.#inflight
    const wait = this.#nextFetchAt - this.#o.clock.monotonic()
    if (wait > 0) return Promise.reject(this.#backingOff(wait))
    const inflight = this.#fetchToken().then(
      (token) => this.#succeeded(token),
      (err: unknown) => this.#failed(err),
    )
    this.#inflight = inflight
    inflight.then(
      () => {
        this.#inflight = undefined
      },
      () => {
        this.#inflight = undefined
      },
    )
    return inflight
  }

  #succeeded(token: CachedToken): CachedToken {
    this.#token = token
    this.#failures = 0
    this.#nextFetchAt = 0
    this.#lastFailure = undefined
    this.#o.health.tokenOk(this.name)
    this.#schedule(token.refreshAt - this.#o.clock.monotonic())
    return token
  }

  #failed(err: unknown): never {
    const error = classifyThrown(err, 'accessToken')
    // A fetch cut short by stop() is no outage.
    if (this.#stopped) throw error
    this.#failures += 1
    // Never sooner than Vipps asked for (Retry-After on a 429 or 503 from the token endpoint).
    const delay = Math.max(
      backoffDelay(this.#failures, this.#o.backoff ?? DEFAULT_BACKOFF, this.#o.random),
      error.retryAfterMs ?? 0,
    )
    this.#nextFetchAt = this.#o.clock.monotonic() + delay
    this.#lastFailure = error
    const usable = this.#token && this.#o.clock.monotonic() < this.#token.usableUntil
    this.#o.log.warn('access token request failed', {
      credentialSet: this.name,
      code: error.code,
      status: error.status,
      traceId: error.traceId,
      failures: this.#failures,
      retryInMs: delay,
      stillUsable: Boolean(usable),
    })
    if (!usable) this.#o.health.tokenDown(this.name, error.message)
    this.#schedule(delay)
    throw this.#backingOff(delay)
  }

  /** What callers get while no token request may be made. */
  #backingOff(waitMs: number): ProviderError {
    const last = this.#lastFailure
    const facts = { operation: 'accessToken', retryAfterMs: waitMs, status: last?.status, traceId: last?.traceId }
    if (last?.code === 'PROVIDER_UNAUTHORIZED') {
      return new ProviderError('PROVIDER_UNAUTHORIZED', `Vipps refused the keys of "${this.name}"`, facts, last)
    }
    return new ProviderError(
      'PROVIDER_UNAVAILABLE',
      `no access token for "${this.name}"; next attempt in ${waitMs} ms`,
      facts,
      last,
    )
  }

  #schedule(delayMs: number): void {
    if (!this.#stopping) return
    if (this.#timer) this.#o.clock.clearTimeout(this.#timer)
    const delay = Math.min(Math.max(0, delayMs), MAX_TIMER_MS)
    this.#timer = this.#o.clock.setTimeout(() => this.#onTimer(), delay)
    this.#timer.unref()
  }

  #onTimer(): void {
    this.#timer = undefined
    const token = this.#token
    const now = this.#o.clock.monotonic()
    // A timer may fire a hair before the monotonic clock says it is due: wait the rest.
    const due = Math.max(token ? token.refreshAt : 0, this.#nextFetchAt)
    if (now < due) this.#schedule(Math.max(1, due - now))
    else this.#refresh().catch(() => {})
  }

  async #fetchToken(): Promise<CachedToken> {
    const { clock, credentials, attemptTimeoutMs } = this.#o
    const sentAt = clock.monotonic()
    const attempt = linkedAbort([this.#stopping?.signal], {
      clock,
      ms: attemptTimeoutMs,
      reason: () => new AttemptTimeout(attemptTimeoutMs),
    })
    let status: number
    let text: string
    let retryAfter: string | null = null
    try {
      const response = await callFetch(this.#o.fetch, joinUrl(this.#o.baseUrl(), '/accesstoken/get'), {
        method: 'POST',
        headers: {
          client_id: credentials.clientId,
          client_secret: credentials.clientSecret,
          'Ocp-Apim-Subscription-Key': credentials.subscriptionKey,
          ...(this.#o.msn ? { 'Merchant-Serial-Number': this.#o.msn } : {}),
          ...systemHeaders(this.#o.system),
          Accept: 'application/json',
        },
        redirect: 'manual',
        signal: attempt.signal,
      })
      status = response.status
      retryAfter = response.headers.get('retry-after')
      text = await response.text()
    } catch (err) {
      throw attempt.signal.aborted && attempt.signal.reason instanceof AttemptTimeout ? attempt.signal.reason : err
    } finally {
      attempt.dispose()
    }
    if (status !== 200) throw tokenEndpointError(status, text, parseRetryAfter(retryAfter, clock.now()))
    return this.#readToken(text, sentAt)
  }

  #readToken(text: string, sentAt: number): CachedToken {
    let body: { access_token?: unknown; expires_in?: unknown }
    try {
      body = JSON.parse(text) as typeof body
    } catch {
      throw new ProviderError('PROVIDER_UNAVAILABLE', 'unreadable access token answer', { operation: 'accessToken' })
    }
    if (typeof body.access_token !== 'string' || body.access_token === '') {
      throw new ProviderError('PROVIDER_UNAVAILABLE', 'access token answer without a token', {
        operation: 'accessToken',
      })
    }
    let lifetimeMs = Number(body.expires_in) * 1000
    if (!Number.isFinite(lifetimeMs) || lifetimeMs <= 0) {
      this.#o.log.error('access token lifetime unreadable; using fallback', {
        credentialSet: this.name,
        expiresIn: String(body.expires_in),
        fallbackMs: FALLBACK_LIFETIME_MS,
      })
      lifetimeMs = FALLBACK_LIFETIME_MS
    }
    // Refresh ahead by the larger of 60 s and 10 %, but never later than half-way for short tokens.
    const ahead = Math.min(Math.max(60_000, lifetimeMs * 0.1), lifetimeMs / 2)
    // Stop sending a token shortly before expiry, so it cannot expire while in flight.
    const guard = Math.min(5000, lifetimeMs * 0.1)
    this.#o.log.info('access token fetched', { credentialSet: this.name, lifetimeSeconds: lifetimeMs / 1000 })
    return {
      value: body.access_token,
      expiresAt: sentAt + lifetimeMs,
      usableUntil: sentAt + lifetimeMs - guard,
      refreshAt: sentAt + lifetimeMs - ahead,
    }
  }
}

/** Any 4xx from the token endpoint means the keys are wrong; 5xx and 429 are outages. */
function tokenEndpointError(status: number, text: string, retryAfterMs: number | undefined): ProviderError {
  // No title: Azure AD's descriptions quote the client_id, which must not reach logs or errors.
  const { traceId } = parseProblem(text)
  const facts = {
    status,
    operation: 'accessToken',
    ...(traceId ? { traceId } : {}),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  }
  const message = `Vipps answered ${status} to accessToken`
  if (status >= 500 || status === 429 || status === 408 || status === 423) {
    return new ProviderError('PROVIDER_UNAVAILABLE', message, facts)
  }
  return new ProviderError('PROVIDER_UNAUTHORIZED', message, facts)
}
