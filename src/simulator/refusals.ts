import { z } from 'zod'
import type { Answer, SimRequest } from './http-io.js'
import { JSON_TYPE } from './http-io.js'
import { VippsProblem } from './problem.js'
import { GATEWAY_STATUSES, REFUSAL_CODES } from './refusal-codes.js'

/**
 * Scripted refusals (`POST /_sim/refusals`): the next N requests of an operation (optionally for
 * one reference) get a documented Vipps refusal and nothing is done. SIMULATOR.md specifies it.
 */

export const REFUSAL_OPERATIONS = [
  'token',
  'create',
  'get',
  'events',
  'capture',
  'cancel',
  'refund',
  'forceApprove',
  'management',
] as const

export type RefusalOperation = (typeof REFUSAL_OPERATIONS)[number]

export const refusalSchema = z
  .strictObject({
    operation: z.enum(REFUSAL_OPERATIONS).describe('Which requests are refused'),
    code: z
      .string()
      .refine((c) => c in REFUSAL_CODES, { message: 'not a documented ePayment error code' })
      .optional()
      .describe('The Vipps error code; may be left out only with a gateway status (401, 403, 429, 5xx)'),
    status: z.number().int().min(400).max(599).optional().describe('Default: the status Vipps uses for code'),
    times: z.number().int().min(1).max(100_000).optional().describe('How many requests; default 1'),
    reference: z.string().min(1).max(64).optional().describe('Only requests for this reference'),
    retryAfterSeconds: z.number().int().min(0).max(3600).optional().describe('Retry-After of a 429; default 1'),
  })
  .refine((r) => r.code !== undefined || r.status !== undefined, {
    message: 'give a code, or a status the gateway answers by itself',
    path: ['code'],
  })

export type RefusalScript = z.output<typeof refusalSchema>

export interface ArmedRefusal extends RefusalScript {
  remaining: number
  /** How many requests it has refused so far. */
  used: number
}

/** Which scriptable operation a Vipps request is, and for which reference. */
export function operationOf(req: SimRequest): { operation: RefusalOperation; reference?: string } | undefined {
  const { method, path } = req
  if (method === 'POST' && path === '/accesstoken/get') return { operation: 'token' }
  if (method === 'GET' && path.startsWith('/management/v1/')) return { operation: 'management' }
  if (method === 'POST' && path === '/epayment/v1/payments') return { operation: 'create', ...createReference(req) }
  const approve = /^\/epayment\/v1\/test\/payments\/([^/]+)\/approve$/.exec(path)
  if (method === 'POST' && approve?.[1]) return { operation: 'forceApprove', reference: approve[1] }
  const m = /^\/epayment\/v1\/payments\/([^/]+)(?:\/(events|capture|cancel|refund))?$/.exec(path)
  if (!m?.[1]) return undefined
  const reference = m[1]
  const tail = m[2]
  if (method === 'GET')
    return tail === undefined
      ? { operation: 'get', reference }
      : tail === 'events'
        ? { operation: 'events', reference }
        : undefined
  if (method === 'POST' && (tail === 'capture' || tail === 'cancel' || tail === 'refund'))
    return { operation: tail, reference }
  return undefined
}

function createReference(req: SimRequest): { reference?: string } {
  try {
    const reference = (JSON.parse(req.rawBody) as { reference?: unknown }).reference
    return typeof reference === 'string' ? { reference } : {}
  } catch {
    return {}
  }
}

export class Refusals {
  #armed: ArmedRefusal[] = []
  /** Every refusal answered since start, per code (or status where none), for chaos summaries. */
  readonly #counts = new Map<string, number>()

  arm(script: RefusalScript): ArmedRefusal {
    const armed = { ...script, remaining: script.times ?? 1, used: 0 }
    this.#armed.push(armed)
    return armed
  }

  list(): ArmedRefusal[] {
    return this.#armed.map((a) => ({ ...a }))
  }

  clear(): void {
    this.#armed = []
  }

  counts(): Record<string, number> {
    return Object.fromEntries(this.#counts)
  }

  /** The armed refusal this request uses up, if any (first armed, first used). */
  take(req: SimRequest): ArmedRefusal | undefined {
    const op = operationOf(req)
    if (!op) return undefined
    const found = this.#armed.find(
      (a) => a.operation === op.operation && (a.reference === undefined || a.reference === op.reference),
    )
    if (!found) return undefined
    found.remaining--
    found.used++
    if (found.remaining <= 0) this.#armed = this.#armed.filter((a) => a !== found)
    const key = found.code ?? String(found.status)
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1)
    return found
  }
}

/**
 * The answer Vipps would give. With a code: the RFC 7807 problem (through `problem`, so it
 * carries extraDetails ErrorCode and a traceId like every other refusal). Without one, a status
 * the gateway answers itself: Azure API Management's `{statusCode, message}`, or for the token
 * endpoint its own error shape.
 */
export function refusalAnswer(
  armed: ArmedRefusal,
  operation: RefusalOperation,
  problem: (p: VippsProblem) => Answer,
  traceId: () => string,
): Answer {
  const known = armed.code === undefined ? undefined : REFUSAL_CODES[armed.code]
  const status = armed.status ?? known?.status ?? 400
  const headers = status === 429 ? { 'retry-after': String(armed.retryAfterSeconds ?? 1) } : undefined
  if (armed.code === undefined && operation === 'token') {
    return tokenError(status, traceId())
  }
  if (armed.code === undefined && GATEWAY_STATUSES.has(status)) {
    return { status, contentType: JSON_TYPE, ...(headers ? { headers } : {}), body: gatewayBody(status) }
  }
  return problem(
    new VippsProblem(status, known?.title ?? 'Error', {
      ...(armed.code ? { code: armed.code } : {}),
      detail: `Refused as scripted through /_sim/refusals${armed.code ? ` (${armed.code})` : ''}`,
      ...(headers ? { headers } : {}),
    }),
  )
}

function gatewayBody(status: number): { statusCode: number; message: string } {
  const messages: Record<number, string> = {
    401: 'Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.',
    403: 'Out of call volume quota or product not enabled for this subscription.',
    429: 'Rate limit is exceeded. Try again in 1 seconds.',
  }
  return { statusCode: status, message: messages[status] ?? 'Gateway error' }
}

/** The token endpoint answers like Azure AD: `error`, `error_description`, trace ids. */
function tokenError(status: number, trace: string): Answer {
  const error = status === 401 ? 'unauthorized_client' : status === 400 ? 'invalid_request' : 'temporarily_unavailable'
  return {
    status,
    contentType: JSON_TYPE,
    body: {
      error,
      error_description: `Refused as scripted through /_sim/refusals (${status})`,
      error_codes: [status === 401 ? 7000215 : 90000],
      trace_id: trace,
      correlation_id: trace,
    },
  }
}
