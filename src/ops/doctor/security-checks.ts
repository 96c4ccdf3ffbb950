import { statSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Config, SecretRef } from '../../config/schema.js'
import { loudWarnings } from '../loud-warnings.js'
import { type CheckResult, pass, warn } from './check.js'

/**
 * What the daemon allows but a technician must know about: the simulator standing in for Vipps,
 * listeners on the LAN without TLS, plain http to a loopback Vipps (the same list the daemon
 * logs every hour), and secret files or the journal readable by other users.
 */
export function checkSecurity(config: Config): CheckResult[] {
  const results: CheckResult[] = loudWarnings(config).map((w) =>
    warn('security', w.message, fixFor(w.message), { subject: Object.values(w.fields).map(String).join(' ') }),
  )
  for (const file of secretFiles(config)) {
    const mode = modeOf(file)
    if (mode !== undefined && (mode & 0o077) !== 0) {
      results.push(
        warn(
          'permissions',
          `${file} holds a secret and is readable by others (mode ${octal(mode)})`,
          `chmod 0600 ${file}`,
          {
            subject: file,
          },
        ),
      )
    }
  }
  for (const [file, private_] of [
    [config.journal.path, 0o077],
    [dirname(config.journal.path), 0o077],
  ] as const) {
    const mode = modeOf(file)
    if (mode !== undefined && (mode & private_) !== 0) {
      const fix = `chmod ${file === config.journal.path ? '0600' : '0700'} ${file} (the journal holds phone numbers)`
      results.push(warn('permissions', `${file} is open to other users (mode ${octal(mode)})`, fix, { subject: file }))
    }
  }
  if (results.length === 0) results.push(pass('security', 'no loud settings; secret files and the journal are private'))
  return results
}

function fixFor(message: string): string {
  if (message.startsWith('SIMULATOR'))
    return 'set provider.kind to "vipps" with real credentials before taking payments'
  if (message.includes('TLS')) return 'configure tls (certFile, keyFile) or bind to 127.0.0.1'
  return 'use https:// for provider.baseUrl'
}

function secretFiles(config: Config): string[] {
  const refs: Array<SecretRef | undefined> = [config.admin.token]
  for (const set of config.provider.credentialSets) refs.push(set.clientId, set.clientSecret, set.subscriptionKey)
  for (const till of config.gateway.tills) refs.push(till.token, till.previousToken)
  return refs.flatMap((ref) => (ref && 'file' in ref ? [ref.file] : []))
}

function modeOf(path: string): number | undefined {
  try {
    return statSync(path).mode & 0o777
  } catch {
    return undefined
  }
}

function octal(mode: number): string {
  return `0${mode.toString(8).padStart(3, '0')}`
}
