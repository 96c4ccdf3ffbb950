import { createHash } from 'node:crypto'
import type { Config } from './schema.js'

/**
 * The rules that keep a careless setup from taking real money unsafely, in one place: which
 * tokens are too weak, which hosts are Vipps itself, which addresses stay on this machine.
 * docs/security.md lists each rule.
 */

/** Tokens published in the README and the default config; fine for the simulator, never for money. */
export const DEMO_TOKENS = ['tillbridge-demo-till-token', 'tillbridge-demo-admin-token'] as const

/** A till or admin token must carry at least this much entropy with provider.kind `vipps`. */
export const MIN_TOKEN_BITS = 128

/** Vipps' own API hosts: a base URL here means real payments (production) or Vipps' test system. */
const VIPPS_HOSTS = new Set(['api.vipps.no', 'apitest.vipps.no'])

const DEMO_HASHES = new Set(DEMO_TOKENS.map((t) => createHash('sha256').update(t, 'utf8').digest('hex')))

/** What the raw file said, before defaults filled it in. */
export interface RawFacts {
  kindGiven: boolean
  baseUrlGiven: boolean
}

/** Reads the facts the defaults would hide from the merged, not yet parsed, config value. */
export function rawFacts(value: unknown): RawFacts {
  const provider = (value as { provider?: Record<string, unknown> } | null)?.provider
  return { kindGiven: provider?.kind !== undefined, baseUrlGiven: provider?.baseUrl !== undefined }
}

/** True for localhost, 127.0.0.0/8 and ::1: nothing off this machine can reach it. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase()
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare)
}

/** Why a token is too weak to guard real money, or undefined. */
export function weakTokenReason(token: string): string | undefined {
  if ((DEMO_TOKENS as readonly string[]).includes(token)) return 'is a demo token published in the README'
  const bits = estimatedBits(token)
  if (bits < MIN_TOKEN_BITS) {
    return `is too short to guess-proof (about ${Math.floor(bits)} bits, at least ${MIN_TOKEN_BITS} needed; \`tillbridge till add NAME\` makes one)`
  }
  return undefined
}

export function isDemoTokenHash(sha256Hex: string): boolean {
  return DEMO_HASHES.has(sha256Hex)
}

/** Length × log2(size of the character classes used): an upper bound, enough to catch "1234". */
function estimatedBits(token: string): number {
  let alphabet = 0
  if (/[a-z]/.test(token)) alphabet += 26
  if (/[A-Z]/.test(token)) alphabet += 26
  if (/[0-9]/.test(token)) alphabet += 10
  if (/[^a-zA-Z0-9]/.test(token)) alphabet += 32
  return alphabet === 0 ? 0 : token.length * Math.log2(alphabet)
}

/** Problems with provider.kind and with weak settings under `vipps`, one line each. */
export function securityProblems(config: Config, raw: RawFacts): string[] {
  const problems: string[] = []
  const { provider, gateway, admin } = config
  if (!raw.kindGiven && (provider.credentialSets.length > 0 || provider.salesUnits.length > 0)) {
    problems.push(
      'provider.kind: required when credential sets or sales units are configured: "vipps" takes real ' +
        'payments, "simulator" runs the built-in simulator and no money moves',
    )
  }
  const base = new URL(provider.baseUrl)
  if (provider.kind === 'simulator' && raw.baseUrlGiven && VIPPS_HOSTS.has(base.hostname)) {
    problems.push(
      `provider.baseUrl: ${base.origin} is Vipps itself, but provider.kind is "simulator": no payment would ` +
        'reach it (set provider.kind to "vipps", or remove provider.baseUrl)',
    )
  }
  if (provider.kind !== 'vipps') return problems
  if (base.protocol !== 'https:' && !isLoopbackHost(base.hostname)) {
    problems.push(`provider.baseUrl: must be https:// with provider.kind "vipps" (plain http only to a loopback host)`)
  }
  if (!isLoopbackHost(gateway.host) && !gateway.tls && !gateway.allowPlainLan) {
    problems.push(
      `gateway.host: ${gateway.host} is reachable from the LAN, so tills' tokens would cross it in clear: ` +
        'configure gateway.tls, or set gateway.allowPlainLan: true to accept that (doctor warns)',
    )
  }
  if (admin.enabled && !isLoopbackHost(admin.host) && !admin.tls && !admin.allowPlainLan) {
    problems.push(
      `admin.host: ${admin.host} is reachable from the LAN, so the admin token would cross it in clear: ` +
        'configure admin.tls, or set admin.allowPlainLan: true to accept that (doctor warns)',
    )
  }
  gateway.tills.forEach((till, i) => {
    for (const [key, hash] of [
      ['tokenSha256', till.tokenSha256],
      ['previousTokenSha256', till.previousTokenSha256],
    ] as const) {
      if (hash && isDemoTokenHash(hash)) {
        problems.push(
          `gateway.tills.${i}.${key} (till "${till.id}"): is the demo token's hash; make a token with \`tillbridge till add ${till.id}\``,
        )
      }
    }
  })
  if (admin.tokenSha256 && isDemoTokenHash(admin.tokenSha256)) {
    problems.push("admin.tokenSha256: is the demo admin token's hash; choose a token of at least 128 bits")
  }
  return problems
}
