import type { IncomingHttpHeaders } from 'node:http'
import { bearerToken, type TillAuthenticator } from './auth.js'

export type UpgradeDecision =
  /** `tillId` is set when the Authorization header already authenticated the till. */
  { accept: true; tillId: string | undefined } | { accept: false; status: 401 | 403 | 404 | 503; reason: string }

export interface UpgradePolicy {
  path: string
  /** Normalised origins (scheme://host[:port]). */
  allowedOrigins: ReadonlySet<string>
  auth: TillAuthenticator
}

export interface UpgradeState {
  stopping: boolean
}

/**
 * Decides an HTTP upgrade before any WebSocket exists (reliability.md §3.2). A browser page's
 * Origin is refused first, whatever else it sends, so a web page never reaches the daemon. A
 * token in the query string is never looked at: query strings end up in logs.
 */
export function decideUpgrade(
  request: { url?: string | undefined; headers: IncomingHttpHeaders },
  policy: UpgradePolicy,
  state: UpgradeState,
): UpgradeDecision {
  if (state.stopping) return { accept: false, status: 503, reason: 'the daemon is stopping' }
  const path = (request.url ?? '/').split('?')[0]
  if (path !== policy.path) return { accept: false, status: 404, reason: `tills connect to ${policy.path}` }
  const origin = request.headers.origin
  if (origin !== undefined && !policy.allowedOrigins.has(normaliseOrigin(origin))) {
    return { accept: false, status: 403, reason: 'origin not allowed' }
  }
  const token = bearerToken(request.headers.authorization)
  let tillId: string | undefined
  if (token !== undefined) {
    tillId = token === null ? undefined : policy.auth.authenticate(token)
    if (tillId === undefined) return { accept: false, status: 401, reason: 'unknown till token' }
  }
  return { accept: true, tillId }
}

/** `https://Shop.example:443/` and `https://shop.example` are the same origin. */
export function normaliseOrigin(origin: string): string {
  try {
    return new URL(origin).origin
  } catch {
    return origin
  }
}
