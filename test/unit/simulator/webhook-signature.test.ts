import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { signWebhook } from '../../../src/simulator/webhook-signature.js'

describe('signWebhook', () => {
  // The published test vector of the Webhooks API (research/vipps-api.md §6.1).
  it('reproduces the Vipps test vector', () => {
    const signed = signWebhook(
      'https://webhook.site/e2cee29b-012e-4f1d-8ef4-e95fd74a7a63',
      '{"some-unique-content":"ee6e441b-cc4a-46f8-895d-a5af79bcc233/hello-world"}',
      'Thu, 30 Mar 2023 08:38:32 GMT',
      'A0+AeKBRG2KRGvnNwJpQlb6IJFk48CKXCIcrLoHncVJKDILsQSxS6NWCccwWm6r6FhGKhiHTBsG2wo/xU6FY/A==',
    )
    expect(signed['x-ms-content-sha256']).toBe('lNlsp1XA03N34HrQsVzPgJKtC+r7l/RBF4V3JQUWMj4=')
    expect(signed.host).toBe('webhook.site')
    expect(signed.authorization).toBe(
      'HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=agAiSyogQbDHpeucoNwYz+yAr5nJ+v+zasdkSbqzv+U=',
    )
  })

  it('signs the registered path with its query and the host with a non-default port', () => {
    const signed = signWebhook('http://127.0.0.1:8123/hooks/vipps?till=3', 'x', 'Mon, 05 Jan 2026 10:00:00 GMT', 's')
    expect(signed.host).toBe('127.0.0.1:8123')
    const expected = createHmac('sha256', 's')
      .update(
        `POST\n/hooks/vipps?till=3\nMon, 05 Jan 2026 10:00:00 GMT;127.0.0.1:8123;${signed['x-ms-content-sha256']}`,
      )
      .digest('base64')
    expect(signed.authorization.endsWith(`&Signature=${expected}`)).toBe(true)
  })
})
