/**
 * The Vipps client's own cost: the same create through the daemon's EpaymentClient (token, abort
 * timers, p-retry, classification, JSON) and through plain fetch, alternating, in this one process
 * against the simulator in its own. The waterfall's Vipps call is longer than its direct baseline;
 * this splits that gap into the client's code and the rest (the daemon's loop busy with the sale's
 * other work in the same turn).
 *
 *   npm run bench -- --only client
 */
import { createSilentLogger } from '../src/log/logger.js'
import { createSystemClock } from '../src/shared/clock.js'
import { SIMULATOR_DEMO_CREDENTIALS as DEMO } from '../src/simulator/demo.js'
import { singleUnitSetup, VippsClients } from '../src/vipps/clients.js'
import { type BenchSection, percentile, round } from './lib/results.js'
import { startSimulatorProcess } from './lib/sim-process.js'
import { createBody, directVipps } from './lib/vipps-direct.js'

const SAMPLES = 1000
const WARMUP = 100

export async function benchClient(): Promise<BenchSection[]> {
  const sim = await startSimulatorProcess()
  const clients = new VippsClients({
    setup: singleUnitSetup('bench', DEMO),
    provider: {
      system: { name: 'bench', version: '1', pluginName: 'tillbridge', pluginVersion: '0' },
      attemptTimeoutMs: 2000,
      deadlineMs: 30_000,
      retries: 6,
      minRetryDelayMs: 100,
      maxRetryDelayMs: 2000,
    },
    baseUrl: () => sim.baseUrl,
    fetch: globalThis.fetch,
    clock: createSystemClock(),
    log: createSilentLogger(),
  })
  const viaClient: number[] = []
  const direct: number[] = []
  try {
    await clients.start()
    const api = clients.epayment(DEMO.msn)
    const post = await directVipps(sim.baseUrl)
    for (let i = 0; i < SAMPLES + WARMUP; i++) {
      const a = `client-${String(i).padStart(8, '0')}`
      const c0 = performance.now()
      await api.createPayment({ idempotencyKey: `${a}-c`, body: createBody(a) }, {})
      const c1 = performance.now()
      const b = `direct-${String(i).padStart(8, '0')}`
      await (await post('/epayment/v1/payments', createBody(b), `${b}-c`)).json()
      const d1 = performance.now()
      if (i >= WARMUP) {
        viaClient.push(c1 - c0)
        direct.push(d1 - c1)
      }
    }
  } finally {
    await clients.stop()
    await sim.stop()
  }
  const ms = (label: string, xs: number[], p: number) => ({ label, value: round(percentile(xs, p), 3), unit: 'ms' })
  const figure = (p: number) => ({
    ...ms(`create through the Vipps client, p${p}`, viaClient, p),
    baseline: ms(`p${p} plain fetch`, direct, p),
  })
  return [
    {
      id: 'client',
      title: 'The Vipps client',
      method:
        `The same create sent ${SAMPLES} times (after ${WARMUP} warm-ups) through the daemon's Vipps client and, ` +
        'alternating, with plain fetch, both from one process to the simulator in its own; no daemon, no journal.',
      figures: [figure(50), figure(99)],
    },
  ]
}
