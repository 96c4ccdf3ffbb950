import { createHmac, randomBytes } from 'node:crypto'
import type { AccessTokenResponse } from '../vipps/types.js'
import type { SimCredentialSet } from './demo.js'
import { type Answer, header, json, type SimRequest } from './http-io.js'
import { problems } from './problem.js'
import type { SimClock } from './sim-clock.js'

interface Grant {
  credentials: SimCredentialSet
  /** Simulator monotonic time at which the token stops working. */
  expiresAt: number
}

export interface AccessTokensDeps {
  clock: SimClock
  credentials: () => readonly SimCredentialSet[]
  ttlSeconds: number
}

/** The resource id the real token endpoint answers with. */
const RESOURCE = '00000002-0000-0000-c000-000000000000'

/**
 * `POST /accesstoken/get` and the Bearer check in front of every other Vipps path. Tokens are
 * JWT-shaped (so log redaction treats them as tokens), remembered by this instance only and
 * expire on the simulator clock: a token from another simulator, or an expired one, gets 401.
 */
export class AccessTokens {
  readonly #deps: AccessTokensDeps
  readonly #grants = new Map<string, Grant>()
  #signingKey: Buffer | undefined

  constructor(deps: AccessTokensDeps) {
    this.#deps = deps
  }

  issue(req: SimRequest): Answer {
    const subscriptionKey = header(req, 'ocp-apim-subscription-key')
    const clientId = header(req, 'client_id')
    const clientSecret = header(req, 'client_secret')
    if (!subscriptionKey) throw problems.unauthorized('Access denied due to missing subscription key')
    if (!clientId || !clientSecret) {
      throw problems.badRequest('The client_id and client_secret headers are required', [
        ...(clientId ? [] : [{ name: 'client_id', reason: 'missing header' }]),
        ...(clientSecret ? [] : [{ name: 'client_secret', reason: 'missing header' }]),
      ])
    }
    const sets = this.#deps.credentials()
    if (!sets.some((s) => s.subscriptionKey === subscriptionKey)) {
      throw problems.unauthorized('Access denied due to invalid subscription key')
    }
    const credentials = sets.find(
      (s) => s.subscriptionKey === subscriptionKey && s.clientId === clientId && s.clientSecret === clientSecret,
    )
    if (!credentials) throw problems.unauthorized('The client_id and client_secret do not match this subscription key')

    this.#prune()
    const { clock, ttlSeconds } = this.#deps
    const issuedAt = Math.floor(clock.now() / 1000)
    const token = this.#jwt({
      iss: 'https://simulator.tillbridge.invalid/',
      aud: RESOURCE,
      sub: clientId,
      iat: issuedAt,
      nbf: issuedAt,
      exp: issuedAt + ttlSeconds,
      jti: randomBytes(12).toString('hex'),
    })
    this.#grants.set(token, { credentials, expiresAt: clock.monotonic() + ttlSeconds * 1000 })
    const body: AccessTokenResponse = {
      token_type: 'Bearer',
      expires_in: String(ttlSeconds),
      ext_expires_in: '0',
      expires_on: String(issuedAt + ttlSeconds),
      not_before: String(issuedAt),
      resource: RESOURCE,
      access_token: token,
    }
    return json(200, body)
  }

  /** The credential set behind a valid Bearer token and matching subscription key; else 401. */
  authenticate(req: SimRequest): SimCredentialSet {
    const authorization = header(req, 'authorization')
    if (!authorization) throw problems.unauthorized('The Authorization header is missing')
    const match = /^Bearer\s+(\S+)$/.exec(authorization)
    if (!match?.[1]) throw problems.unauthorized('The Authorization header must be "Bearer <access token>"')
    const grant = this.#grants.get(match[1])
    if (!grant) throw problems.unauthorized('The access token was not issued by this server')
    if (this.#deps.clock.monotonic() >= grant.expiresAt) throw problems.unauthorized('The access token has expired')
    const subscriptionKey = header(req, 'ocp-apim-subscription-key')
    if (!subscriptionKey) throw problems.unauthorized('Access denied due to missing subscription key')
    if (subscriptionKey !== grant.credentials.subscriptionKey) {
      throw problems.unauthorized('The subscription key does not match the one the access token was fetched with')
    }
    return grant.credentials
  }

  #prune(): void {
    const now = this.#deps.clock.monotonic()
    for (const [token, grant] of this.#grants) if (grant.expiresAt <= now) this.#grants.delete(token)
  }

  #jwt(payload: Record<string, unknown>): string {
    this.#signingKey ??= randomBytes(32)
    const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
    const unsigned = `${encode({ typ: 'JWT', alg: 'HS256' })}.${encode(payload)}`
    return `${unsigned}.${createHmac('sha256', this.#signingKey).update(unsigned).digest('base64url')}`
  }
}
