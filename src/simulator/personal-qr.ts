import { z } from 'zod'
import { checkSystemHeaders, traceId } from './guards.js'
import { type Answer, json, parseJsonBody, type SimRequest } from './http-io.js'
import { problems, VippsProblem } from './problem.js'
import type { Router } from './router.js'
import { PHONE_PATTERN } from './schemas.js'
import type { SimState } from './sim-state.js'
import { parseBody } from './validate.js'

/** How long a MobilePay personal QR stays valid by default: the app shows a fresh one often. */
export const DEFAULT_PERSONAL_QR_TTL_SECONDS = 300
const TOKEN_PREFIX = 'https://qr.mobilepay.simulator.invalid/p/'
/** Vipps' own personal QR still holds the number in clear: `https://qr.vipps.no/28/2/01/031/4791234562?v=1`. */
const VIPPS_CLEAR_TEXT = /^https:\/\/qr\.vipps\.no\/(?:[^/?#]+\/)*(\d{10,15})(?:\?[^#]*)?$/

interface IssuedQr {
  msisdn: string
  issuedAt: number
  expiresAt: number
}

/**
 * The customers' personal QR codes. MobilePay's is a token that only `POST /qr/v1/exchange`
 * turns into the MSISDN, and only until it expires; the control API makes them
 * (`POST /_sim/personal-qr`). Vipps' clear-text code is exchanged from its own digits.
 */
export class PersonalQrCodes {
  readonly #issued = new Map<string, IssuedQr>()

  issue(token: string, msisdn: string, now: number, ttlSeconds: number): { qrCode: string; expiresAt: string } {
    const qrCode = `${TOKEN_PREFIX}${token}`
    const expiresAt = now + ttlSeconds * 1000
    this.#issued.set(qrCode, { msisdn, issuedAt: now, expiresAt })
    return { qrCode, expiresAt: new Date(expiresAt).toISOString() }
  }

  /** A token this simulator issued: it means nothing to the ePayment API until exchanged. */
  isToken(qrCode: string): boolean {
    return this.#issued.has(qrCode)
  }

  /** The exchange answer (qr-v1.yaml, QrExchangeResponse), or the refusal Vipps gives. */
  exchange(qrCode: string, now: number): { msisdn: string; timestamp?: number; version: string } {
    const issued = this.#issued.get(qrCode)
    if (issued) {
      if (now >= issued.expiresAt) throw invalidQr('The QR code has expired. Ask the customer to show it again.')
      return { msisdn: issued.msisdn, timestamp: Math.floor(issued.issuedAt / 1000), version: '2.0' }
    }
    const clear = VIPPS_CLEAR_TEXT.exec(qrCode)?.[1]
    if (clear) return { msisdn: clear, version: '1.0' }
    throw invalidQr('The QR code is not a valid personal QR code.')
  }
}

/** The QR API's refusal has no ErrorCode (QrExchangeErrorResponse): the field and why. */
function invalidQr(reason: string): VippsProblem {
  return problems.badRequest('The request body contains one or more invalid parameters.', [{ name: 'qrCode', reason }])
}

const exchangeSchema = z.looseObject({
  qrCode: z.string().min(1),
  requestedData: z.array(z.enum(['MSISDN'])).optional(),
})

const issueSchema = z.strictObject({
  phoneNumber: z.string().regex(PHONE_PATTERN),
  ttlSeconds: z.number().int().min(1).max(86_400).optional(),
})

/** `POST /qr/v1/exchange` (QR API): an access token and subscription key; the MSN header is optional. */
export function addQrRoutes(vipps: Router, control: Router, state: SimState): void {
  vipps.add('POST', '/qr/v1/exchange', (req) => exchange(state, req))
  control.add('POST', '/_sim/personal-qr', (req) => {
    const { phoneNumber, ttlSeconds } = parseBody(issueSchema, parseJsonBody(req) ?? {})
    const ttl = ttlSeconds ?? DEFAULT_PERSONAL_QR_TTL_SECONDS
    return json(201, state.personalQrs.issue(state.ids.hex(24), phoneNumber, state.clock.now(), ttl))
  })
}

function exchange(state: SimState, req: SimRequest): Answer {
  const credentials = state.tokens.authenticate(req)
  checkSystemHeaders(req)
  const msn = req.headers['merchant-serial-number']
  if (typeof msn === 'string' && !credentials.msns.includes(msn)) {
    throw problems.unauthorized(`These API keys cannot act for Merchant-Serial-Number ${msn}`)
  }
  try {
    const { qrCode } = parseBody(exchangeSchema, parseJsonBody(req))
    return json(200, state.personalQrs.exchange(qrCode, state.clock.now()))
  } catch (err) {
    // The QR API answers its 400 as plain JSON (qr-v1.yaml, QrExchangeErrorResponse), not problem+json.
    if (!(err instanceof VippsProblem) || err.status !== 400) throw err
    const { title, status, detail, extraDetails, traceId: trace } = err.toBody(req.path, traceId(state))
    return json(400, { title, status, detail, ...(extraDetails ? { extraDetails } : {}), traceId: trace })
  }
}
