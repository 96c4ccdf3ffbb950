import WebSocket from 'ws'
import type { DaemonFrame } from '../../src/protocol/index.js'

export interface RawTillOptions {
  headers?: Record<string, string>
  origin?: string
  /** A loopback address of 127.0.0.0/8 to connect from, so tests can play several peers. */
  localAddress?: string
}

/**
 * A bare WebSocket till for gateway tests: it sends exactly what a test gives it and records
 * every frame and the close, so tests see the wire, not a client library's interpretation.
 */
export class RawTill {
  readonly frames: DaemonFrame[] = []
  readonly closed: Promise<{ code: number; reason: string }>
  readonly ws: WebSocket
  #waiters: Array<() => void> = []

  private constructor(ws: WebSocket) {
    this.ws = ws
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)) as DaemonFrame)
      for (const w of this.#waiters.splice(0)) w()
    })
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() })
        for (const w of this.#waiters.splice(0)) w()
      })
    })
    ws.on('error', () => {})
  }

  /** Opens the socket; rejects with `HTTP <status>` when the upgrade is refused. */
  static connect(url: string, options: RawTillOptions = {}): Promise<RawTill> {
    const ws = new WebSocket(url, {
      headers: options.headers ?? {},
      ...(options.origin ? { origin: options.origin } : {}),
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    })
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new RawTill(ws)))
      ws.once('unexpected-response', (_req, res) => {
        reject(new Error(`HTTP ${res.statusCode}`))
        ws.terminate()
      })
      ws.once('error', (err) => reject(err))
    })
  }

  /** Connects and says hello; resolves once `welcome` arrived. */
  static async hello(url: string, hello: Record<string, unknown>, options: RawTillOptions = {}): Promise<RawTill> {
    const till = await RawTill.connect(url, options)
    till.send({ type: 'hello', ...hello })
    await till.next((f) => f.type === 'welcome')
    return till
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame))
  }

  /** Waits for the first frame (after `from`) that matches. */
  next<T extends DaemonFrame = DaemonFrame>(
    predicate: (f: DaemonFrame) => boolean,
    timeoutMs = 5000,
    from = 0,
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching frame in ${timeoutMs} ms; got ${JSON.stringify(this.frames)}`)),
        timeoutMs,
      )
      const check = () => {
        const found = this.frames.slice(from).find(predicate)
        if (found) {
          clearTimeout(timer)
          resolve(found as T)
        } else if (this.ws.readyState === WebSocket.CLOSED) {
          clearTimeout(timer)
          reject(new Error(`closed without a matching frame; got ${JSON.stringify(this.frames)}`))
        } else {
          this.#waiters.push(check)
        }
      }
      check()
    })
  }

  /** Sends a request and waits for the result or error with its id. */
  async request(frame: { id: string } & Record<string, unknown>): Promise<DaemonFrame> {
    const from = this.frames.length
    this.send(frame)
    return this.next((f) => (f.type === 'result' || f.type === 'error') && f.id === frame.id, 5000, from)
  }

  events(): Array<Extract<DaemonFrame, { type: 'event' }>> {
    return this.frames.filter((f) => f.type === 'event') as Array<Extract<DaemonFrame, { type: 'event' }>>
  }

  close(): void {
    this.ws.close()
  }
}
