import type { SeenCall } from './recorder.js'

/** One kind of request and the headers it carried (secrets masked), for Vipps' reviewers. */
export interface HeaderSummary {
  request: string
  count: number
  headers: Record<string, string>
}

export interface TokenSummary {
  fetched: number
  /** `expires_in` of each token fetched, in seconds. */
  lifetimesSeconds: number[]
  /** API calls made with a token (everything but the token requests). */
  callsWithToken: number
  /** 401 answers to API calls: an expired or refused token reached Vipps. */
  unauthorized: number
  handling: string
}

/** `/epayment/v1/payments/tb-x-1/capture` → `/epayment/v1/payments/{reference}/capture`. */
export function requestTemplate(call: SeenCall): string {
  const path = (call.path.split('?')[0] ?? call.path).replace(/\/payments\/[^/]+/, '/payments/{reference}')
  return `${call.method} ${path}`
}

/** The headers of the first call of each kind (values stay masked where secret). */
export function headerSummary(calls: readonly SeenCall[]): HeaderSummary[] {
  const byKind = new Map<string, HeaderSummary>()
  for (const call of calls) {
    const request = requestTemplate(call)
    const seen = byKind.get(request)
    if (seen) seen.count++
    else byKind.set(request, { request, count: 1, headers: { ...call.headers } })
  }
  return [...byKind.values()]
}

export function tokenSummary(calls: readonly SeenCall[]): TokenSummary {
  const tokens = calls.filter((c) => c.path.startsWith('/accesstoken/get'))
  const api = calls.filter((c) => !c.path.startsWith('/accesstoken/get'))
  return {
    fetched: tokens.length,
    lifetimesSeconds: tokens.flatMap((c) => (c.expiresIn === undefined ? [] : [c.expiresIn])),
    callsWithToken: api.length,
    unauthorized: api.filter((c) => c.status === 401).length,
    handling:
      'One token per key set, kept in memory only and reused for every call; its lifetime is read from ' +
      'expires_in (1 hour in test, 24 hours in production) and it is refreshed ahead of expiry (the larger ' +
      'of 60 s and 10 % of the lifetime), never used in its last seconds; a 401 makes the daemon fetch a ' +
      'new one once and repeat the call.',
  }
}

/** The customerInteraction of every create sent: an in-store integration sends CUSTOMER_PRESENT. */
export function customerInteractions(calls: readonly SeenCall[]): string[] {
  const creates = calls.filter((c) => c.method === 'POST' && (c.path.split('?')[0] ?? '') === '/epayment/v1/payments')
  return [...new Set(creates.map((c) => String((c.body as { customerInteraction?: unknown })?.customerInteraction)))]
}
