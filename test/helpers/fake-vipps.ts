import type { Clock } from '../../src/shared/clock.js'

/** One request as the fake received it; `headers` keys are lower-case. */
export interface FakeRequest {
  method: string
  path: string
  headers: Record<string, string>
  /** The exact object passed to fetch, to prove each attempt builds its own. */
  headersObject: unknown
  body: string | undefined
  /** Monotonic time of arrival. */
  at: number
}

export type FakeReply =
  | { status: number; body?: unknown; raw?: string; headers?: Record<string, string> }
  | { drop: 'before' | 'after'; code?: string }
  | { delayMs: number; reply: FakeReply }

type Handler = (req: FakeRequest) => FakeReply

/**
 * An in-memory Vipps for unit tests, driven by the injected clock: it issues tokens with a
 * lifetime on that clock, answers 401 to an unknown or expired token (and counts it), and answers
 * everything else from a queue of scripted replies or a default handler.
 */
export class FakeVipps {
  readonly requests: FakeRequest[] = []
  /** Replies for /accesstoken/get, used first to last; then a fresh token. */
  readonly tokenReplies: FakeReply[] = []
  /** Replies for API calls, used first to last; then `handler`. */
  readonly replies: Array<FakeReply | Handler> = []
  handler: Handler = () => ({ status: 200, body: {} })
  tokenLifetimeSeconds: number
  /** API calls that arrived with an expired or unknown token. */
  expiredTokenCalls = 0
  readonly #clock: Clock
  readonly #tokens = new Map<string, number>()
  #issued = 0

  constructor(clock: Clock, options: { tokenLifetimeSeconds?: number } = {}) {
    this.#clock = clock
    this.tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 3600
  }

  get tokenRequests(): FakeRequest[] {
    return this.requests.filter((r) => r.path === '/accesstoken/get')
  }

  get apiRequests(): FakeRequest[] {
    return this.requests.filter((r) => r.path !== '/accesstoken/get')
  }

  /** Makes Vipps refuse every token issued so far (a key rotation, a revoked token). */
  revokeTokens(): void {
    this.#tokens.clear()
  }

  readonly fetch: typeof globalThis.fetch = async (input, init = {}) => {
    const url = new URL(String(input))
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries((init.headers ?? {}) as Record<string, string>)) headers[k.toLowerCase()] = v
    const req: FakeRequest = {
      method: init.method ?? 'GET',
      path: `${url.pathname}${url.search}`,
      headers,
      headersObject: init.headers,
      body: typeof init.body === 'string' ? init.body : undefined,
      at: this.#clock.monotonic(),
    }
    this.requests.push(req)
    init.signal?.throwIfAborted()
    const reply = req.path === '/accesstoken/get' ? this.#tokenReply() : this.#apiReply(req)
    return this.#answer(reply, init.signal ?? undefined)
  }

  #tokenReply(): FakeReply {
    const scripted = this.tokenReplies.shift()
    if (scripted) return scripted
    this.#issued += 1
    const token = `fake-token-${this.#issued}`
    this.#tokens.set(token, this.#clock.monotonic() + this.tokenLifetimeSeconds * 1000)
    return {
      status: 200,
      body: {
        token_type: 'Bearer',
        expires_in: String(this.tokenLifetimeSeconds),
        ext_expires_in: '0',
        expires_on: '0',
        not_before: '0',
        resource: '00000002-0000-0000-c000-000000000000',
        access_token: token,
      },
    }
  }

  #apiReply(req: FakeRequest): FakeReply {
    const token = req.headers.authorization?.replace(/^Bearer /, '') ?? ''
    const expiresAt = this.#tokens.get(token)
    if (expiresAt === undefined || this.#clock.monotonic() >= expiresAt) {
      this.expiredTokenCalls += 1
      return { status: 401, body: { statusCode: 401, message: 'Access denied due to invalid token' } }
    }
    const next = this.replies.shift() ?? this.handler
    return typeof next === 'function' ? next(req) : next
  }

  async #answer(reply: FakeReply, signal: AbortSignal | undefined): Promise<Response> {
    if ('delayMs' in reply) {
      await this.#clock.sleep(reply.delayMs, signal)
      return this.#answer(reply.reply, signal)
    }
    if ('drop' in reply) {
      const cause = Object.assign(new Error('other side closed'), { code: reply.code ?? 'UND_ERR_SOCKET' })
      throw new TypeError('fetch failed', { cause })
    }
    const text = reply.raw ?? (reply.body === undefined ? null : JSON.stringify(reply.body))
    const contentType = reply.status >= 400 ? 'application/problem+json' : 'application/json'
    return new Response(reply.status === 204 ? null : text, {
      status: reply.status,
      headers: { 'content-type': contentType, ...reply.headers },
    })
  }
}

/** A Problem body as ePayment sends it. */
export function problem(status: number, code: string | undefined, title = 'Problem'): Record<string, unknown> {
  return {
    type: `https://httpstatuses.io/${status}`,
    title,
    status,
    traceId: `trace-${status}-${code ?? 'none'}`,
    ...(code ? { extraDetails: [{ name: 'ErrorCode', reason: code }] } : {}),
  }
}

/** Advances a ManualClock in steps until `promise` settles; returns its outcome. */
export async function runUntilSettled<T>(
  clock: { advance(ms: number): Promise<void> },
  promise: Promise<T>,
  { stepMs = 1000, maxSteps = 10_000 } = {},
): Promise<{ value?: T; error?: unknown }> {
  let outcome: { value?: T; error?: unknown } | undefined
  promise.then(
    (value) => {
      outcome = { value }
    },
    (error: unknown) => {
      outcome = { error }
    },
  )
  await clock.advance(0)
  for (let i = 0; i < maxSteps && !outcome; i++) await clock.advance(stepMs)
  if (!outcome) throw new Error('promise did not settle')
  return outcome
}
