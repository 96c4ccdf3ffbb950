import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { sha256Hex } from '../../src/config/secrets.js'
import { SIMULATOR_DEMO_CREDENTIALS as DEMO } from '../../src/simulator/demo.js'

/** A till the daemon will accept: its id and its token (the config holds only the hash). */
export interface TillIdentity {
  id: string
  token: string
}

export interface DaemonSetupOptions {
  /** Where the config, the credential files and the journal go. */
  dir: string
  /** The simulator standing in for Vipps, in another process or the caller's. */
  simulatorUrl: string
  /** A fixed port, so that tills find the daemon again after a restart. */
  gatewayPort: number
  tills: TillIdentity[]
  /** Merged over the fast defaults below (`payments.*`). */
  payments?: Record<string, unknown>
  /** Merged over the fast defaults below (`provider.*`, besides kind, URL and keys). */
  provider?: Record<string, unknown>
  gateway?: Record<string, unknown>
  /** Merged over `admin: { enabled: false }`. */
  admin?: Record<string, unknown>
  logLevel?: 'error' | 'warn' | 'info' | 'debug'
}

export interface DaemonSetup {
  configFile: string
  journal: string
  tillUrl: string
}

/** `count` tills named `<prefix>-0…` with tokens derived from `seed`. */
export function makeTills(count: number, prefix = 'till', seed = 1): TillIdentity[] {
  return Array.from({ length: count }, (_, i) => ({ id: `${prefix}-${i}`, token: `${prefix}-${i}-token-${seed}` }))
}

/**
 * Writes a config for the real daemon (`provider.kind: vipps`) against a simulator that outlives
 * it, so killing the daemon does not reset "Vipps". The Vipps keys are the simulator's demo
 * credentials, read from files as production keys would be. Timings are short, so payments
 * settle in seconds rather than minutes.
 */
export function writeDaemonSetup(o: DaemonSetupOptions): DaemonSetup {
  const keyFile = (name: string, value: string) => {
    const path = join(o.dir, `vipps-${name}`)
    writeFileSync(path, value, { mode: 0o600 })
    return { file: path }
  }
  const journal = join(o.dir, 'journal.db')
  const configFile = join(o.dir, 'config.json')
  const config = {
    logging: { level: o.logLevel ?? 'info' },
    journal: { path: journal },
    gateway: {
      port: o.gatewayPort,
      maxConnections: o.tills.length + 50,
      // Every test till connects from 127.0.0.1: one address for the whole store.
      maxSocketsPerAddress: o.tills.length + 50,
      maxRequestsPerSecond: 1000,
      tills: o.tills.map((t) => ({ id: t.id, tokenSha256: sha256Hex(t.token) })),
      ...o.gateway,
    },
    provider: {
      kind: 'vipps',
      baseUrl: o.simulatorUrl,
      credentialSets: [
        {
          name: 'demo',
          clientId: keyFile('client-id', DEMO.clientId),
          clientSecret: keyFile('client-secret', DEMO.clientSecret),
          subscriptionKey: keyFile('subscription-key', DEMO.subscriptionKey),
        },
      ],
      salesUnits: [{ msn: DEMO.msn, credentialSet: 'demo' }],
      attemptTimeoutMs: 2000,
      deadlineMs: 6000,
      retries: 2,
      minRetryDelayMs: 50,
      maxRetryDelayMs: 300,
      ...o.provider,
    },
    payments: {
      pollFirstDelayMs: 200,
      pollIntervalMs: 200,
      manualCaptureTimeoutMs: 2500,
      completerIntervalMs: 1000,
      retryMinDelayMs: 100,
      retryMaxDelayMs: 1000,
      ...o.payments,
    },
    admin: { enabled: false, ...o.admin },
    shutdownTimeoutMs: 3000,
  }
  writeFileSync(configFile, JSON.stringify(config, null, 2))
  return { configFile, journal, tillUrl: `ws://127.0.0.1:${o.gatewayPort}/v1` }
}
