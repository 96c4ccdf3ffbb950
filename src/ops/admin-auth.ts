import { createHash, timingSafeEqual } from 'node:crypto'

/**
 * Checks the admin token from `Authorization: Bearer <token>` (scripts, Prometheus) or HTTP Basic
 * with the token as password (a browser's own prompt, for the status page). Compared as SHA-256
 * digests in constant time; without a configured token nothing but /healthz is served.
 */
export function adminTokenMatches(authorization: string | undefined, expectedSha256: string | undefined): boolean {
  if (!expectedSha256 || !authorization) return false
  const token = tokenFrom(authorization)
  if (token === undefined) return false
  const given = createHash('sha256').update(token, 'utf8').digest()
  const expected = Buffer.from(expectedSha256, 'hex')
  return expected.length === given.length && timingSafeEqual(given, expected)
}

function tokenFrom(header: string): string | undefined {
  const [scheme, value] = header.split(/\s+/, 2)
  if (!scheme || !value) return undefined
  if (scheme.toLowerCase() === 'bearer') return value
  if (scheme.toLowerCase() !== 'basic') return undefined
  const decoded = Buffer.from(value, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon >= 0 ? decoded.slice(colon + 1) : undefined
}
