import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import { problems, VippsProblem } from './problem.js'

/** A request as handlers see it: the body already read, the path split from the query. */
export interface SimRequest {
  method: string
  path: string
  query: URLSearchParams
  headers: IncomingHttpHeaders
  rawBody: string
  /** Path parameters of the matched route. */
  params: Record<string, string>
}

/** What a handler answers; `body` is JSON unless it is a string or Buffer. */
export interface Answer {
  status: number
  contentType?: string
  headers?: Record<string, string>
  body?: unknown
}

export const JSON_TYPE = 'application/json'
export const PROBLEM_TYPE = 'application/problem+json'

/** Largest request body accepted; Vipps bodies are a few KiB. */
export const MAX_BODY_BYTES = 1024 * 1024

export async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    const buf = chunk as Buffer
    size += buf.length
    if (size > MAX_BODY_BYTES) return undefined
    chunks.push(buf)
  }
  return Buffer.concat(chunks).toString('utf8')
}

export function json(status: number, body: unknown, contentType = JSON_TYPE): Answer {
  return { status, contentType, body }
}

/** The serialised body of an answer, as sent. */
export function answerBytes(answer: Answer): Buffer {
  if (answer.body === undefined) return Buffer.alloc(0)
  if (Buffer.isBuffer(answer.body)) return answer.body
  if (typeof answer.body === 'string') return Buffer.from(answer.body, 'utf8')
  return Buffer.from(JSON.stringify(answer.body), 'utf8')
}

export function writeAnswer(res: ServerResponse, answer: Answer): void {
  const bytes = answerBytes(answer)
  const headers: Record<string, string | number> = { ...answer.headers }
  if (bytes.length > 0 || answer.contentType) {
    headers['content-type'] = answer.contentType ?? JSON_TYPE
  }
  headers['content-length'] = bytes.length
  res.writeHead(answer.status, headers)
  res.end(bytes)
}

/** One header's value; repeated headers count as malformed and read as their first value. */
export function header(req: SimRequest, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()]
  return Array.isArray(value) ? value[0] : value
}

/**
 * Parses a JSON body. An empty body gives `undefined`; anything else that is not JSON (or not sent
 * as JSON) is a 400 / 415, as a real ASP.NET API answers.
 */
export function parseJsonBody(req: SimRequest): unknown {
  if (req.rawBody.trim() === '') return undefined
  const type = header(req, 'content-type') ?? ''
  if (!/^application\/([a-z.+-]*\+)?json\b/i.test(type)) {
    throw new VippsProblem(415, 'Unsupported Media Type', {
      detail: 'The request body must be sent as application/json',
    })
  }
  try {
    return JSON.parse(req.rawBody) as unknown
  } catch (err) {
    throw problems.badRequest('The request body is not valid JSON', [{ name: 'body', reason: (err as Error).message }])
  }
}
