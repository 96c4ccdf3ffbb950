import { createHash, createHmac } from 'node:crypto'

export interface SignedHeaders {
  'x-ms-date': string
  'x-ms-content-sha256': string
  host: string
  authorization: string
}

/**
 * Signs a webhook delivery the way Vipps does (research/vipps-api.md §6.1): a base64 SHA-256 of
 * the exact body, then base64 HMAC-SHA256 over "POST\n{path+query}\n{date};{host};{hash}" keyed
 * with the secret's UTF-8 text (not base64-decoded). Path and host come from the registered URL;
 * host includes a non-default port.
 */
export function signWebhook(url: string, body: string, date: string, secret: string): SignedHeaders {
  const target = new URL(url)
  const contentHash = createHash('sha256').update(body, 'utf8').digest('base64')
  const toSign = `POST\n${target.pathname}${target.search}\n${date};${target.host};${contentHash}`
  const signature = createHmac('sha256', Buffer.from(secret, 'utf8')).update(toSign, 'utf8').digest('base64')
  return {
    'x-ms-date': date,
    'x-ms-content-sha256': contentHash,
    host: target.host,
    authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`,
  }
}
