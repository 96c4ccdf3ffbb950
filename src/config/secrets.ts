import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { TillbridgeError } from '../shared/errors.js'
import type { Config, SecretRef } from './schema.js'
import { weakTokenReason } from './security-check.js'

/** Vipps API keys of one credential set. Never logged; never stored in the journal. */
export interface VippsCredentials {
  clientId: string
  clientSecret: string
  subscriptionKey: string
}

/**
 * Everything secret the daemon needs, kept apart from the Config object so that logging the
 * config can never leak one.
 */
export interface Secrets {
  credentialSets: ReadonlyMap<string, VippsCredentials>
  /** Till id → SHA-256 (hex) of its token. */
  tillTokenHashes: ReadonlyMap<string, string>
  /** Till id → SHA-256 (hex) of its previous token, still valid while a rotation is under way. */
  previousTillTokenHashes: ReadonlyMap<string, string>
  adminTokenHash: string | undefined
  /** Every secret value, for the log redactor. */
  values: readonly string[]
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

/**
 * Reads every secret the config names. All unreadable secrets are reported at once, naming the
 * config key and the file, never the value.
 */
export function loadSecrets(config: Config, env: NodeJS.ProcessEnv): Secrets {
  const problems: string[] = []
  const values: string[] = []
  const read = (ref: SecretRef, key: string): string => {
    try {
      const value = readSecret(ref, env)
      values.push(value)
      return value
    } catch (err) {
      problems.push(`${key}: ${(err as Error).message}`)
      return ''
    }
  }

  const credentialSets = new Map<string, VippsCredentials>()
  config.provider.credentialSets.forEach((set, i) => {
    const at = `provider.credentialSets.${i}`
    credentialSets.set(set.name, {
      clientId: read(set.clientId, `${at}.clientId`),
      clientSecret: read(set.clientSecret, `${at}.clientSecret`),
      subscriptionKey: read(set.subscriptionKey, `${at}.subscriptionKey`),
    })
  })

  // With real money a guessable token is refused; the simulator accepts the demo ones.
  const weak: string[] = []
  const readToken = (ref: SecretRef, key: string, who: string): string => {
    const token = read(ref, key)
    const why = config.provider.kind === 'vipps' && token !== '' ? weakTokenReason(token) : undefined
    if (why) weak.push(`${key} (${who}): the token ${why}`)
    return sha256Hex(token)
  }

  const tillTokenHashes = new Map<string, string>()
  const previousTillTokenHashes = new Map<string, string>()
  config.gateway.tills.forEach((till, i) => {
    const at = `gateway.tills.${i}`
    const who = `till "${till.id}"`
    if (till.token) tillTokenHashes.set(till.id, readToken(till.token, `${at}.token`, who))
    else if (till.tokenSha256) tillTokenHashes.set(till.id, till.tokenSha256)
    else problems.push(`${at}: needs tokenSha256 or token`)
    if (till.previousToken) {
      previousTillTokenHashes.set(till.id, readToken(till.previousToken, `${at}.previousToken`, who))
    } else if (till.previousTokenSha256) previousTillTokenHashes.set(till.id, till.previousTokenSha256)
  })

  const adminTokenHash = config.admin.token
    ? readToken(config.admin.token, 'admin.token', 'the admin server')
    : config.admin.tokenSha256

  if (problems.length > 0) {
    throw new TillbridgeError('SECRET_UNREADABLE', `${problems.length} secret(s) could not be read`, {
      details: { problems },
    })
  }
  if (weak.length > 0) {
    throw new TillbridgeError('CONFIG_INVALID', `${weak.length} token(s) too weak for provider.kind "vipps"`, {
      details: { problems: weak },
    })
  }
  return { credentialSets, tillTokenHashes, previousTillTokenHashes, adminTokenHash, values }
}

function readSecret(ref: SecretRef, env: NodeJS.ProcessEnv): string {
  let file: string
  if ('file' in ref) {
    file = ref.file
  } else {
    const dir = env.CREDENTIALS_DIRECTORY
    if (!dir) throw new Error(`credential "${ref.credential}" named but $CREDENTIALS_DIRECTORY is not set`)
    file = join(dir, ref.credential)
  }
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new Error(`cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`)
  }
  const value = text.trim()
  if (value === '') throw new Error(`${file} is empty`)
  return value
}
