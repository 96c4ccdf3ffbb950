import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { configSchema } from '../../../src/config/schema.js'
import { loadSecrets, sha256Hex } from '../../../src/config/secrets.js'
import type { TillbridgeError } from '../../../src/shared/errors.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const tempDir = useTempDir()

describe('loadSecrets', () => {
  it('reads secrets from files and from $CREDENTIALS_DIRECTORY, outside the config object', () => {
    const dir = tempDir()
    const creds = join(dir, 'creds')
    mkdirSync(creds)
    writeFileSync(join(dir, 'id'), 'client-id-1\n')
    writeFileSync(join(creds, 'secret'), 'client-secret-1')
    writeFileSync(join(creds, 'key'), 'sub-key-1')
    writeFileSync(join(creds, 'till'), 'till-token-1-0123456789abcdef')
    const config = configSchema.parse({
      provider: {
        kind: 'vipps',
        credentialSets: [
          {
            name: 'main',
            clientId: { file: join(dir, 'id') },
            clientSecret: { credential: 'secret' },
            subscriptionKey: { credential: 'key' },
          },
        ],
        salesUnits: [{ msn: '123456', credentialSet: 'main' }],
      },
      gateway: { tills: [{ id: 't1', token: { credential: 'till' } }] },
    })
    const secrets = loadSecrets(config, { CREDENTIALS_DIRECTORY: creds })
    expect(secrets.credentialSets.get('main')).toEqual({
      clientId: 'client-id-1',
      clientSecret: 'client-secret-1',
      subscriptionKey: 'sub-key-1',
    })
    expect(secrets.tillTokenHashes.get('t1')).toBe(sha256Hex('till-token-1-0123456789abcdef'))
    expect(JSON.stringify(config)).not.toContain('client-secret-1')
  })

  it('reports every unreadable secret by config key and file, never by value', () => {
    const config = configSchema.parse({
      provider: {
        credentialSets: [
          {
            name: 'main',
            clientId: { file: '/nope/id' },
            clientSecret: { credential: 'secret' },
            subscriptionKey: { file: '/nope/key' },
          },
        ],
      },
    })
    try {
      loadSecrets(config, {})
      expect.unreachable()
    } catch (err) {
      expect((err as TillbridgeError).code).toBe('SECRET_UNREADABLE')
      const problems = (err as TillbridgeError).details?.problems as string[]
      expect(problems).toEqual([
        'provider.credentialSets.0.clientId: cannot read /nope/id (ENOENT)',
        'provider.credentialSets.0.clientSecret: credential "secret" named but $CREDENTIALS_DIRECTORY is not set',
        'provider.credentialSets.0.subscriptionKey: cannot read /nope/key (ENOENT)',
      ])
    }
  })
})
