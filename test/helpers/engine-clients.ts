import { afterEach, beforeEach } from 'vitest'
import { createSilentLogger } from '../../src/log/logger.js'
import { createSystemClock } from '../../src/shared/clock.js'
import { singleUnitSetup, VippsClients } from '../../src/vipps/clients.js'
import { DEMO, type SimulatorHarness } from './simulator.js'
import { TEST_PROVIDER } from './vipps-fixture.js'

/**
 * The real Vipps clients against a test's simulator, with no retries inside a call: every fault
 * and refusal reaches the engine, whose own policy is under test. After each test the engines in
 * `running` stop (newest first), then the clients.
 */
export function useEngineClients(
  sim: () => SimulatorHarness,
  wrapFetch: (f: typeof fetch) => { fetch: typeof fetch },
  running: Array<{ stop(): Promise<void> }>,
): () => VippsClients {
  let clients: VippsClients | undefined
  beforeEach(async () => {
    clients = new VippsClients({
      setup: singleUnitSetup('sim', DEMO),
      provider: { ...TEST_PROVIDER, retries: 0, attemptTimeoutMs: 2000, deadlineMs: 3000 },
      baseUrl: () => sim().baseUrl,
      fetch: wrapFetch(globalThis.fetch).fetch,
      clock: createSystemClock(),
      log: createSilentLogger(),
    })
    await clients.start()
  })
  afterEach(async () => {
    for (const r of running.splice(0).reverse()) await r.stop()
    await clients?.stop()
    clients = undefined
  })
  return () => {
    if (!clients) throw new Error('useEngineClients: only inside a test')
    return clients
  }
}
