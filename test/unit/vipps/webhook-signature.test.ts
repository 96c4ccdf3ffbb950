import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { verifyWebhookSignature } from '../../../src/vipps/webhook-signature.js'

// The published test vector (vippsas/webhooks-api request-authentication.md; research/vipps-api.md §6.1).
const VECTOR = {
  secret: 'A0+AeKBRG2KRGvnNwJpQlb6IJFk48CKXCIcrLoHncVJKDILsQSxS6NWCccwWm6r6FhGKhiHTBsG2wo/xU6FY/A==',
  host: 'webhook.site',
  pathAndQuery: '/e2cee29b-012e-4f1d-8ef4-e95fd74a7a63',
  date: 'Thu, 30 Mar 2023 08:38:32 GMT',
  body: '{"some-unique-content":"ee6e441b-cc4a-46f8-895d-a5af79bcc233/hello-world"}',
  contentHash: 'lNlsp1XA03N34HrQsVzPgJKtC+r7l/RBF4V3JQUWMj4=',
  signature: 'agAiSyogQbDHpeucoNwYz+yAr5nJ+v+zasdkSbqzv+U=',
}

const HEADERS = {
  'x-ms-date': VECTOR.date,
  'x-ms-content-sha256': VECTOR.contentHash,
  host: VECTOR.host,
  authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${VECTOR.signature}`,
}

function delivery(overrides: Partial<Parameters<typeof verifyWebhookSignature>[0]> = {}) {
  return {
    method: 'POST',
    pathAndQuery: VECTOR.pathAndQuery,
    host: VECTOR.host,
    headers: HEADERS,
    rawBody: Buffer.from(VECTOR.body, 'utf8'),
    secret: VECTOR.secret,
    ...overrides,
  }
}

describe('verifyWebhookSignature', () => {
  it('accepts the published test vector (Buffer, string and Headers forms)', () => {
    expect(verifyWebhookSignature(delivery())).toEqual({ valid: true })
    expect(verifyWebhookSignature(delivery({ rawBody: VECTOR.body }))).toEqual({ valid: true })
    expect(verifyWebhookSignature(delivery({ headers: new Headers(HEADERS) }))).toEqual({ valid: true })
  })

  it('finds headers whatever their case', () => {
    const upper = Object.fromEntries(Object.entries(HEADERS).map(([k, v]) => [k.toUpperCase(), v]))
    expect(verifyWebhookSignature(delivery({ headers: upper }))).toEqual({ valid: true })
  })

  it('refuses a changed body', () => {
    expect(verifyWebhookSignature(delivery({ rawBody: VECTOR.body.replace('hello', 'hallo') }))).toEqual({
      valid: false,
      reason: 'content-hash',
    })
  })

  it('refuses a changed body even when the attacker fixes the content hash', () => {
    const body = VECTOR.body.replace('hello', 'hallo')
    const hash = createHash('sha256').update(body).digest('base64')
    const headers = { ...HEADERS, 'x-ms-content-sha256': hash }
    expect(verifyWebhookSignature(delivery({ rawBody: body, headers }))).toEqual({ valid: false, reason: 'signature' })
  })

  it('refuses a changed date, path, host or secret', () => {
    const headers = { ...HEADERS, 'x-ms-date': 'Thu, 30 Mar 2023 08:38:33 GMT' }
    expect(verifyWebhookSignature(delivery({ headers }))).toMatchObject({ valid: false, reason: 'signature' })
    expect(verifyWebhookSignature(delivery({ pathAndQuery: `${VECTOR.pathAndQuery}?x=1` }))).toMatchObject({
      valid: false,
    })
    expect(verifyWebhookSignature(delivery({ host: 'webhook.site:8443' }))).toMatchObject({ valid: false })
    expect(verifyWebhookSignature(delivery({ secret: `${VECTOR.secret}x` }))).toMatchObject({ valid: false })
    const decodedKey = Buffer.from(VECTOR.secret, 'base64').toString('latin1')
    expect(verifyWebhookSignature(delivery({ secret: decodedKey }))).toMatchObject({ valid: false })
  })

  it('refuses a truncated or missing Authorization header', () => {
    const base = HEADERS
    expect(
      verifyWebhookSignature(delivery({ headers: { ...base, authorization: base.authorization.slice(0, -1) } })),
    ).toMatchObject({ valid: false, reason: 'signature' })
    const { authorization: _dropped, ...without } = base
    expect(verifyWebhookSignature(delivery({ headers: without }))).toEqual({ valid: false, reason: 'missing-header' })
  })

  it('optionally refuses a date outside a replay window', () => {
    const at = Date.parse(VECTOR.date)
    expect(verifyWebhookSignature(delivery({ maxSkewMs: 300_000, nowMs: at + 299_000 }))).toEqual({ valid: true })
    expect(verifyWebhookSignature(delivery({ maxSkewMs: 300_000, nowMs: at + 301_000 }))).toEqual({
      valid: false,
      reason: 'stale-date',
    })
  })
})
