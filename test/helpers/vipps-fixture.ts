import type { Logger } from '../../src/log/logger.js'
import { createSilentLogger } from '../../src/log/logger.js'
import { ManualClock } from '../../src/shared/manual-clock.js'
import { singleUnitSetup, VippsClients, type VippsClientsOptions } from '../../src/vipps/clients.js'
import { FakeVipps } from './fake-vipps.js'

export const TEST_MSN = '123456'
export const TEST_CREDENTIALS = {
  clientId: 'fb492b5e-7907-4d83-ba20-c7fb60ca35de',
  clientSecret: 'test-client-secret',
  subscriptionKey: 'test-subscription-key',
}

export const TEST_PROVIDER: VippsClientsOptions['provider'] = {
  system: { name: 'acme-pos', version: '3.2', pluginName: 'tillbridge', pluginVersion: '0.1.0' },
  attemptTimeoutMs: 2000,
  deadlineMs: 30_000,
  retries: 6,
  minRetryDelayMs: 100,
  maxRetryDelayMs: 2000,
}

/** VippsClients for one sales unit against a FakeVipps on a ManualClock, jitter fixed at the middle. */
export function fakeVippsClients(
  options: {
    provider?: Partial<VippsClientsOptions['provider']>
    log?: Logger
    credentials?: typeof TEST_CREDENTIALS
    baseUrl?: string
    /** E.g. a recording, conformance-checking wrapper (recording-fetch.ts). */
    wrapFetch?: (inner: typeof globalThis.fetch) => typeof globalThis.fetch
  } = {},
) {
  const clock = new ManualClock()
  const vipps = new FakeVipps(clock)
  const clients = new VippsClients({
    setup: singleUnitSetup('store', { ...(options.credentials ?? TEST_CREDENTIALS), msn: TEST_MSN }),
    provider: { ...TEST_PROVIDER, ...options.provider },
    baseUrl: () => options.baseUrl ?? 'https://apitest.vipps.no',
    fetch: options.wrapFetch ? options.wrapFetch(vipps.fetch) : vipps.fetch,
    clock,
    log: options.log ?? createSilentLogger(),
    random: () => 0.5,
  })
  return { clock, vipps, clients, epayment: clients.epayment(TEST_MSN), merchant: clients.merchant(TEST_MSN) }
}
