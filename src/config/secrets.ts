import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { TillbridgeError } from '../shared/errors.js'
import type { Config, SecretRef } from './schema.js'

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

  const tillTokenHashes = new Map<string, string>()
  config.gateway.tills.forEach((till, i) => {
    const at = `gateway.tills.${i}`
    if (till.token) tillTokenHashes.set(till.id, sha256Hex(read(till.token, `${at}.token`)))
    else if (till.tokenSha256) tillTokenHashes.set(till.id, till.tokenSha256)
    else problems.push(`${at}: needs tokenSha256 or token`)
  })

  const adminTokenHash = config.admin.token
    ? sha256Hex(read(config.admin.token, 'admin.token'))
    : config.admin.tokenSha256

  if (problems.length > 0) {
    throw new TillbridgeError('SECRET_UNREADABLE', `${problems.length} secret(s) could not be read`, {
      details: { problems },
    })
  }
  return { credentialSets, tillTokenHashes, adminTokenHash, values }
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
