import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { SIMULATOR_DEMO_CREDENTIALS } from '../../src/simulator/demo.js'

export interface VippsConfigOptions {
  baseUrl: string
  /** Replaces one of the demo keys written to the secret files. */
  keys?: Partial<{ clientId: string; clientSecret: string; subscriptionKey: string }>
  msn?: string
  /** Merged over the top level of the config. */
  extra?: Record<string, unknown>
}

/**
 * A config file for `provider.kind: vipps` pointing at a simulator, with the demo keys in secret
 * files beside it (as a real install keeps them), and the journal in `dir`.
 */
export function writeVippsConfig(dir: string, o: VippsConfigOptions): { file: string; journal: string } {
  const keys = { ...SIMULATOR_DEMO_CREDENTIALS, ...o.keys }
  const secret = (name: string, value: string) => {
    const file = join(dir, name)
    writeFileSync(file, `${value}\n`, { mode: 0o600 })
    return { file }
  }
  const journal = join(dir, 'journal.db')
  const config = {
    journal: { path: journal },
    provider: {
      kind: 'vipps',
      baseUrl: o.baseUrl,
      // The simulator under test plays the production host, where the Management API exists.
      environment: 'production',
      credentialSets: [
        {
          name: 'store',
          clientId: secret('client-id', keys.clientId),
          clientSecret: secret('client-secret', keys.clientSecret),
          subscriptionKey: secret('subscription-key', keys.subscriptionKey),
        },
      ],
      salesUnits: [{ msn: o.msn ?? SIMULATOR_DEMO_CREDENTIALS.msn, credentialSet: 'store' }],
      attemptTimeoutMs: 3000,
      deadlineMs: 5000,
      retries: 1,
    },
    ...o.extra,
  }
  const file = join(dir, 'config.json')
  writeFileSync(file, JSON.stringify(config, null, 2))
  return { file, journal }
}
