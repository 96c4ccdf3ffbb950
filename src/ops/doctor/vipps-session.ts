import type { Config } from '../../config/schema.js'
import type { Secrets } from '../../config/secrets.js'
import type { Logger } from '../../log/logger.js'
import type { Clock } from '../../shared/clock.js'
import { SIMULATOR_DEMO_CREDENTIALS } from '../../simulator/demo.js'
import { Simulator } from '../../simulator/simulator.js'
import { singleUnitSetup, VippsClients, vippsSetupFromConfig } from '../../vipps/clients.js'

export interface VippsSession {
  clients: VippsClients
  /** Where the checks went: the configured base URL or the simulator started for them. */
  baseUrl: string
  stop(): Promise<void>
}

/**
 * The Vipps clients as the daemon would build them, with no timers started: tokens are fetched
 * on first use. With `provider.kind: simulator` a simulator is started for the occasion on a free
 * port (the daemon's own may be running), with the demo keys and MSN, as the daemon uses them.
 */
export async function openVippsSession(
  config: Config,
  secrets: Secrets,
  deps: { clock: Clock; fetch: typeof globalThis.fetch; log: Logger },
): Promise<VippsSession> {
  let simulator: Simulator | undefined
  if (config.provider.kind === 'simulator') {
    simulator = new Simulator({ ...config.simulator, port: 0, clock: deps.clock, log: deps.log, fetch: deps.fetch })
    await simulator.start()
  }
  const sim = simulator
  const baseUrl = sim ? sim.baseUrl : config.provider.baseUrl
  const clients = new VippsClients({
    setup: sim
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
    stop: async () => {
      await clients.stop()
      await sim?.stop()
    },
  }
}
