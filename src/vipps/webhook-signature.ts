import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

export type HeaderBag = Headers | Record<string, string | string[] | undefined>

export interface WebhookSignatureInput {
  /** The delivery's method (Vipps signs "POST"). */
  method: string
  /** Path and query of the URL *registered* at Vipps (the public one, not a proxy's internal one). */
  pathAndQuery: string
  /** Host (authority, with a non-default port) of the registered URL. */
  host: string
  headers: HeaderBag
  /** The body exactly as received, before any JSON parsing. */
  rawBody: Uint8Array | string
  /** The registration's secret, used as UTF-8 text (not base64-decoded). */
  secret: string
  /** Optional replay window: reject an `x-ms-date` further than this from `nowMs`. Not a Vipps rule. */
  maxSkewMs?: number
  nowMs?: number
}

export type WebhookVerification =
  | { valid: true }
  | { valid: false; reason: 'missing-header' | 'content-hash' | 'signature' | 'stale-date' }

/**
 * Checks a Vipps webhook delivery (research/vipps-api.md §6.1): the body's SHA-256 against
 * `x-ms-content-sha256`, then an HMAC-SHA256 over
 * `METHOD\npathAndQuery\nx-ms-date;host;contentHash` against the whole `Authorization` header.
 * Both comparisons are constant-time. Parse the JSON only after this passes.
 */
export function verifyWebhookSignature(input: WebhookSignatureInput): WebhookVerification {
  const date = header(input.headers, 'x-ms-date')
  const claimedHash = header(input.headers, 'x-ms-content-sha256')
  const authorization = header(input.headers, 'authorization')
  if (!date || !claimedHash || !authorization) return { valid: false, reason: 'missing-header' }

  const contentHash = createHash('sha256').update(input.rawBody).digest('base64')
  if (!constantTimeEqual(contentHash, claimedHash)) return { valid: false, reason: 'content-hash' }

  const expected = webhookAuthorization(input.method, input.pathAndQuery, date, input.host, contentHash, input.secret)
  if (!constantTimeEqual(expected, authorization)) return { valid: false, reason: 'signature' }

  if (input.maxSkewMs !== undefined) {
    const at = Date.parse(date)
    const now = input.nowMs ?? Date.now()
    if (Number.isNaN(at) || Math.abs(now - at) > input.maxSkewMs) return { valid: false, reason: 'stale-date' }
  }
  return { valid: true }
}

/** The `Authorization` header value Vipps sends for these inputs. */
export function webhookAuthorization(
  method: string,
  pathAndQuery: string,
  date: string,
  host: string,
  contentHash: string,
  secret: string,
): string {
  const toSign = `${method.toUpperCase()}\n${pathAndQuery}\n${date};${host};${contentHash}`
  const signature = createHmac('sha256', Buffer.from(secret, 'utf8')).update(toSign, 'utf8').digest('base64')
  return `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`
}

/** Hashing both sides first makes the comparison independent of where, or whether, lengths differ. */
function constantTimeEqual(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest()
  return timingSafeEqual(digest(a), digest(b)) && a.length === b.length
}

function header(headers: HeaderBag, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue
    return Array.isArray(value) ? value[0] : value
  }
  return undefined
}
