import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** What the server does to the next request. */
export type Fault =
  | { kind: 'drop-before' }
  | { kind: 'drop-after' }
  | { kind: 'status'; status: number; retryAfter?: string }
  | { kind: 'latency'; ms: number }

export interface Arrival {
  method: string
  path: string
  key: string | undefined
  /** performance.now() on arrival. */
  at: number
}

interface Stored {
  bodyHash: string
  status: number
  body: unknown
}

/**
 * A small Vipps stand-in on 127.0.0.1 for fault tests over real sockets: it issues tokens,
 * refuses unknown ones, de-duplicates by Idempotency-Key (same key + same body → the first
 * answer, different body → 409) and keeps a ledger of the operations that took effect. Faults
 * are consumed one per request, in order. Not the simulator: it knows nothing of payment states.
 */
export class LoopbackVipps {
  readonly faults: Fault[] = []
  readonly tokenFaults: Fault[] = []
  /** Operations that took effect: one entry per idempotency key, however often it was sent. */
  readonly ledger: Array<{ key: string; method: string; path: string }> = []
  readonly arrivals: Arrival[] = []
  readonly #stored = new Map<string, Stored>()
  readonly #tokens = new Set<string>()
  #server: Server | undefined

  async start(): Promise<string> {
    const server = createServer((req, res) => {
      void this.#handle(req, res)
    })
    this.#server = server
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }

  async stop(): Promise<void> {
    const server = this.#server
    if (!server) return
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks).toString('utf8')
    const path = req.url ?? '/'
    const key = header(req, 'idempotency-key')
    this.arrivals.push({ method: req.method ?? 'GET', path, key, at: performance.now() })
    const isToken = path === '/accesstoken/get'
    const fault = (isToken ? this.tokenFaults : this.faults).shift()

    if (fault?.kind === 'drop-before') return void req.socket.destroy()
    if (fault?.kind === 'status') {
      const headers: Record<string, string> = fault.retryAfter ? { 'retry-after': fault.retryAfter } : {}
      return send(
        res,
        fault.status,
        { type: 'about:blank', title: 'Fault', status: fault.status, traceId: 't' },
        headers,
      )
    }
    const answer = isToken ? this.#token() : this.#api(req, path, key, body)
    if (fault?.kind === 'drop-after') return void req.socket.destroy()
    if (fault?.kind === 'latency') await new Promise((resolve) => setTimeout(resolve, fault.ms))
    if (!res.destroyed) send(res, answer.status, answer.body)
  }

  #token(): { status: number; body: unknown } {
    const token = `loopback-token-${this.#tokens.size + 1}`
    this.#tokens.add(token)
    const body = { token_type: 'Bearer', expires_in: '3600', ext_expires_in: '0', expires_on: '0', not_before: '0' }
    return { status: 200, body: { ...body, resource: 'r', access_token: token } }
  }

  #api(req: IncomingMessage, path: string, key: string | undefined, body: string): { status: number; body: unknown } {
    if (!this.#tokens.has(header(req, 'authorization')?.replace(/^Bearer /, '') ?? '')) {
      return { status: 401, body: { statusCode: 401, message: 'Access denied' } }
    }
    const reference =
      /\/payments\/([^/]+)/.exec(path)?.[1] ?? (JSON.parse(body || '{}') as { reference?: string }).reference
    if (!key) return { status: 200, body: { reference, state: 'AUTHORIZED' } }
    const bodyHash = createHash('sha256').update(body).digest('hex')
    const stored = this.#stored.get(key)
    if (stored) {
      return stored.bodyHash === bodyHash
        ? stored
        : { status: 409, body: { type: 'about:blank', title: 'Conflict', status: 409, traceId: 't' } }
    }
    const answer = req.method === 'POST' && path === '/epayment/v1/payments' ? 201 : 200
    const created = { bodyHash, status: answer, body: { reference } }
    this.#stored.set(key, created)
    this.ledger.push({ key, method: req.method ?? 'POST', path })
    return created
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name]
  return Array.isArray(value) ? value[0] : value
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const type = status >= 400 ? 'application/problem+json' : 'application/json'
  res.writeHead(status, { 'content-type': type, ...headers })
  res.end(JSON.stringify(body))
}
