import type { Config } from '../config/schema.js'
import type { Secrets } from '../config/secrets.js'
import type { Logger } from '../log/logger.js'
import type { Clock } from '../shared/clock.js'
import { TillbridgeError } from '../shared/errors.js'
import { SIMULATOR_DEMO_CREDENTIALS } from '../simulator/demo.js'
import { Simulator } from '../simulator/simulator.js'
import { singleUnitSetup, VippsClients, vippsSetupFromConfig } from '../vipps/clients.js'

export interface VippsSession {
  clients: VippsClients
  /** Where the calls go: the configured base URL, or a simulator's. */
  baseUrl: string
  /** Vipps' Management API exists in production only; doctor skips its checks elsewhere. */
  environment: 'test' | 'production'
  stop(): Promise<void>
}

export interface SessionDeps {
  clock: Clock
  fetch: typeof globalThis.fetch
  log: Logger
}

/**
 * The Vipps clients of a CLI command, built as the daemon builds them, with no timers started:
 * tokens are fetched on first use. With `provider.kind: simulator`, `simulator: 'start'` starts
 * a simulator for the occasion (doctor: it checks keys and settings, which every simulator
 * shares), and `simulator: 'daemon'` talks to the daemon's own embedded simulator, which only a
 * fixed `simulator.port` makes reachable (reconcile: only that simulator has the payments).
 */
export async function openVippsSession(
  config: Config,
  secrets: Secrets,
  deps: SessionDeps,
  simulator: 'start' | 'daemon',
): Promise<VippsSession> {
  let started: Simulator | undefined
  let baseUrl = config.provider.baseUrl
  if (config.provider.kind === 'simulator' && simulator === 'start') {
    started = new Simulator({ ...config.simulator, port: 0, clock: deps.clock, log: deps.log, fetch: deps.fetch })
    await started.start()
    baseUrl = started.baseUrl
  } else if (config.provider.kind === 'simulator') {
    if (config.simulator.port === 0) {
      throw new TillbridgeError(
        'CONFIG_INVALID',
        "the daemon's embedded simulator listens on a random port (simulator.port 0): set simulator.port to reach it from the command line",
      )
    }
    const host = ['0.0.0.0', '::', ''].includes(config.simulator.host) ? '127.0.0.1' : config.simulator.host
    baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${config.simulator.port}`
  }
  const sim = started
  const clients = new VippsClients({
    setup:
      config.provider.kind === 'simulator'
        ? singleUnitSetup('simulator', SIMULATOR_DEMO_CREDENTIALS)
        : vippsSetupFromConfig(config.provider, secrets),
    provider: config.provider,
    baseUrl: () => baseUrl,
    fetch: deps.fetch,
    clock: deps.clock,
    log: deps.log,
  })
  return {
    clients,
    baseUrl,
    environment: environmentOf(config),
    stop: async () => {
      await clients.stop()
      await sim?.stop()
    },
  }
}

/** The simulator says which host it plays; real Vipps' production host is api.vipps.no. */
export function environmentOf(config: Config): 'test' | 'production' {
  if (config.provider.kind === 'simulator') return config.simulator.environment
  if (config.provider.environment) return config.provider.environment
  try {
    return new URL(config.provider.baseUrl).hostname === 'api.vipps.no' ? 'production' : 'test'
  } catch {
    return 'test'
  }
}
