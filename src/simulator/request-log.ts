import type { IncomingHttpHeaders } from 'node:http'

/** One answered request on a Vipps path, as `onExchange` sees it (headers unmasked: tests only). */
export interface Exchange {
  method: string
  path: string
  query: string
  requestHeaders: IncomingHttpHeaders
  requestBody: string
  status: number
  contentType: string | undefined
  responseHeaders: Record<string, string>
  /** The body as sent (a binary body as latin1 text). */
  responseText: string
}

export type RequestOutcome = 'answered' | 'dropped-before' | 'dropped-after'

/** One entry of `GET /_sim/requests`. */
export interface LoggedRequest {
  /** Simulator time, ISO 8601. */
  at: string
  method: string
  path: string
  query: string
  /** Secrets masked to their last four characters. */
  headers: Record<string, string>
  /** Parsed JSON when it parses, else the text. */
  body: unknown
  /** The status answered; null when the connection was dropped instead. */
  status: number | null
  outcome: RequestOutcome
  /** The injected fault that decided the answer, if any. */
  fault?: string
}

const SECRET_HEADERS = new Set(['authorization', 'client_secret', 'ocp-apim-subscription-key', 'client_id'])

export function maskHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, raw] of Object.entries(headers)) {
    if (raw === undefined) continue
    const value = Array.isArray(raw) ? raw.join(', ') : raw
    out[name] = SECRET_HEADERS.has(name) ? maskValue(value) : value
  }
  return out
}

function maskValue(value: string): string {
  const bearer = /^Bearer\s+/i.exec(value)
  const prefix = bearer ? bearer[0] : ''
  const secret = value.slice(prefix.length)
  return `${prefix}****${secret.length > 12 ? secret.slice(-4) : ''}`
}

export function parseMaybeJson(text: string): unknown {
  if (text === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

/** The last `limit` requests, oldest first; memory stays bounded however long it runs. */
export class RequestLog {
  readonly #limit: number
  #entries: LoggedRequest[] = []

  constructor(limit: number) {
    this.#limit = Math.max(1, limit)
  }

  add(entry: LoggedRequest): void {
    this.#entries.push(entry)
    if (this.#entries.length > this.#limit) this.#entries.splice(0, this.#entries.length - this.#limit)
  }

  list(): LoggedRequest[] {
    return [...this.#entries]
  }

  clear(): void {
    this.#entries = []
  }
}
