import { afterEach, describe, expect, it } from 'vitest'
import { createSilentLogger } from '../../../src/log/logger.js'
import { createSystemClock } from '../../../src/shared/clock.js'
import { singleUnitSetup, VippsClients } from '../../../src/vipps/clients.js'
import { type PaymentsHarness, pushPayment, startPayments } from '../../helpers/payments-harness.js'
import { DEMO, useSimulator } from '../../helpers/simulator.js'
import { useTempDir } from '../../helpers/temp-dir.js'
import { TEST_PROVIDER } from '../../helpers/vipps-fixture.js'

/**
 * Vipps allows 5 captures, cancels and refunds per reference per minute and counts HTTP requests.
 * With retries inside each call (here 2), counting calls would send 3 requests per call and run
 * into 429 on the second call; counting requests keeps every one within the limit.
 */

const sim = useSimulator({ rateLimitScale: 1 })
const tempDir = useTempDir('tillbridge-modlimit-')
const cleanup: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c()
})

describe("Vipps' modification limit", () => {
  it('counts HTTP requests, not calls: never more than 5 a minute, never a 429', async () => {
    const clients = new VippsClients({
      setup: singleUnitSetup('sim', DEMO),
      provider: { ...TEST_PROVIDER, retries: 2, minRetryDelayMs: 10, maxRetryDelayMs: 20 },
      baseUrl: () => sim().baseUrl,
      fetch: globalThis.fetch,
      clock: createSystemClock(),
      log: createSilentLogger(),
    })
    await clients.start()
    cleanup.push(() => clients.stop())
    const h: PaymentsHarness = await startPayments({
      dir: tempDir(),
      provider: (msn) => clients.epayment(msn),
      clock: createSystemClock(),
      payments: { pollFirstDelayMs: 20, pollIntervalMs: 20, retryMinDelayMs: 20, retryMaxDelayMs: 200 },
    })
    cleanup.push(() => h.stop())
    const { payment } = await h.engine.create('till-1', pushPayment('lim', '4791234560', { capture: 'manual' }))
    await expect.poll(() => h.engine.get('till-1', 'lim').status, { timeout: 5000 }).toBe('pending')
    expect((await sim().control('POST', `/payments/${payment.reference}/approve`)).status).toBe(200)
    await expect.poll(() => h.engine.get('till-1', 'lim').status, { timeout: 5000 }).toBe('authorized')
    // The payment is locked (423) for a long while: every capture is refused and retried, within
    // the call (a transient status) and by the engine.
    await sim().control('POST', '/refusals', { operation: 'capture', status: 423, times: 1000 })
    await h.engine.capture('till-1', 'lim')
    await new Promise((resolve) => setTimeout(resolve, 4000))
    const captures = sim().exchanges.filter((e) => e.path.endsWith('/capture'))
    // At least two calls (the first one's 3 requests, then what the minute has left), at most 5 requests.
    expect(captures.length).toBeGreaterThanOrEqual(4)
    expect(captures.length).toBeLessThanOrEqual(5)
    expect(captures.map((e) => e.status)).not.toContain(429)
  }, 20_000)
})
