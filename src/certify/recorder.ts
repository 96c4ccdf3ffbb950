import type { Clock } from '../shared/clock.js'

/** One HTTP exchange with Vipps, as certify saw it; secret header values are masked. */
export interface SeenCall {
  method: string
  /** Path and query, e.g. /epayment/v1/payments/tb-abc-1/capture. */
  path: string
  headers: Record<string, string>
  /** The request body, parsed when it is JSON (never for the token endpoint, which has none). */
  body: unknown
  sentAt: number
  answeredAt?: number
  /** HTTP status; absent when the connection failed. */
  status?: number
  /** What Vipps said when it refused: title and ErrorCode, or the network error. */
  refusal?: string
  /** The token endpoint's `expires_in`, in seconds. */
  expiresIn?: number
}

/** Headers whose values are secrets. */
const SECRET_HEADERS = new Set(['authorization', 'client_id', 'client_secret', 'ocp-apim-subscription-key'])

/** Nothing of a secret is shown but its length (and the `Bearer` scheme, which is no secret). */
export function maskSecret(value: string): string {
  const bearer = /^Bearer\s+/i.exec(value)?.[0] ?? ''
  return `${bearer}(masked, ${value.length - bearer.length} characters)`
}

/**
 * Wraps the fetch the daemon's Vipps clients use, so certify can show Vipps what was sent:
 * every request's headers (secrets masked), its body, when it went and what came back. Only
 * calls to `baseUrl()` are kept (the embedded simulator's webhook deliveries are not Vipps calls).
 */
export class CallRecorder {
  readonly calls: SeenCall[] = []
  readonly #clock: Clock
  readonly #inner: typeof globalThis.fetch
  readonly #baseUrl: () => string | undefined

  constructor(inner: typeof globalThis.fetch, clock: Clock, baseUrl: () => string | undefined) {
    this.#inner = inner
    this.#clock = clock
    this.#baseUrl = baseUrl
  }

  readonly fetch: typeof globalThis.fetch = async (input, init = {}) => {
    const url = new URL(String(input instanceof Request ? input.url : input))
    const base = this.#baseUrl()
    if (base === undefined || url.origin !== new URL(base).origin) return this.#inner(input, init)
    const call: SeenCall = {
      method: init.method ?? 'GET',
      path: `${url.pathname}${url.search}`,
      headers: maskedHeaders(init.headers),
      body: parseBody(init.body),
      sentAt: this.#clock.now(),
    }
    this.calls.push(call)
    try {
      const response = await this.#inner(input, init)
      call.answeredAt = this.#clock.now()
      call.status = response.status
      if (response.status >= 400 || url.pathname.endsWith('/accesstoken/get')) await inspect(response.clone(), call)
      return response
    } catch (err) {
      call.answeredAt = this.#clock.now()
      call.refusal = `no answer: ${(err as Error).message}`
      throw err
    }
  }

  /** Calls whose path names this reference, oldest first. */
  forReference(reference: string): SeenCall[] {
    return this.calls.filter((c) => c.path.includes(`/${reference}`) || bodyReference(c) === reference)
  }
}

function bodyReference(call: SeenCall): string | undefined {
  const body = call.body as { reference?: unknown } | undefined
  return typeof body?.reference === 'string' ? body.reference : undefined
}

function maskedHeaders(headers: RequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of new Headers(headers).entries()) {
    out[name] = SECRET_HEADERS.has(name) ? maskSecret(value) : value
  }
  return out
}

function parseBody(body: RequestInit['body']): unknown {
  if (typeof body !== 'string') return undefined
  try {
    return JSON.parse(body) as unknown
  } catch {
    return body
  }
}

/** The access token itself is never kept: only its lifetime. Refusals keep title and code. */
async function inspect(response: Response, call: SeenCall): Promise<void> {
  let body: Record<string, unknown>
  try {
    body = (await response.json()) as Record<string, unknown>
  } catch {
    return
  }
  if (call.status !== undefined && call.status < 400) {
    const seconds = Number(body.expires_in)
    if (Number.isFinite(seconds)) call.expiresIn = seconds
    return
  }
  const details = Array.isArray(body.extraDetails)
    ? (body.extraDetails as Array<{ name?: string; reason?: string }>)
    : []
  const code = details.find((d) => d.name === 'ErrorCode')?.reason
  const title = typeof body.title === 'string' ? body.title : typeof body.error === 'string' ? body.error : undefined
  call.refusal = [code ? `code ${code}` : undefined, title].filter(Boolean).join(': ') || `HTTP ${call.status}`
}
