import { createHash, timingSafeEqual } from 'node:crypto'

/**
 * Maps a till token to its till. Only SHA-256 digests of tokens are held. Every candidate is
 * compared with timingSafeEqual, and the loop never stops early, so the time taken tells an
 * attacker neither how much of a token matched nor which till it belongs to.
 */
export class TillAuthenticator {
  readonly #digests: ReadonlyArray<{ tillId: string; digest: Buffer }>

  /**
   * `tokenHashes`: till id → SHA-256 (hex) of its token (Secrets.tillTokenHashes). `previous`:
   * the old token of a till whose token is being rotated; both work until the old one is removed.
   */
  constructor(tokenHashes: ReadonlyMap<string, string>, previous: ReadonlyMap<string, string> = new Map()) {
    this.#digests = [...tokenHashes, ...previous].map(([tillId, hex]) => ({ tillId, digest: Buffer.from(hex, 'hex') }))
  }

  /** The till whose token this is, or undefined. */
  authenticate(token: string): string | undefined {
    const digest = createHash('sha256').update(token, 'utf8').digest()
    let found: string | undefined
    for (const entry of this.#digests) {
      if (entry.digest.length === digest.length && timingSafeEqual(entry.digest, digest)) found ??= entry.tillId
    }
    return found
  }
}

/**
 * The token of an `Authorization: Bearer <token>` header: `undefined` when there is no header,
 * `null` when there is one that is not a usable bearer token.
 */
export function bearerToken(header: string | undefined): string | null | undefined {
  if (header === undefined) return undefined
  const match = /^Bearer +([^\s]+) *$/i.exec(header)
  return match?.[1] ?? null
}
