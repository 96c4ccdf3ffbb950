import { afterEach } from 'vitest'
import { type ConfigInput, configSchema } from '../../src/config/schema.js'
import { sha256Hex } from '../../src/config/secrets.js'
import { TillGateway } from '../../src/gateway/server.js'
import type { PaymentsApi } from '../../src/payments/api.js'
import { type Clock, createSystemClock } from '../../src/shared/clock.js'
import type { ProviderHealth } from '../../src/vipps/api.js'
import { captureLogger } from './capture-log.js'
import { MemoryPayments } from './memory-payments.js'

export const TOKENS = { 'till-a': 'token-of-till-a-0123456789', 'till-b': 'token-of-till-b-0123456789' } as const

export interface GatewayHarness {
  gateway: TillGateway
  payments: PaymentsApi
  url: string
  port: number
  logText: () => string
  stop: () => Promise<void>
}

export interface HarnessOptions {
  gateway?: NonNullable<ConfigInput['gateway']>
  payments?: PaymentsApi
  provider?: ProviderHealth
  clock?: Clock
  /** Receives every refusal the gateway counts (the daemon passes its metrics here). */
  countRefusal?: (listener: string, reason: string) => void
  /** Default: till-a and till-b with TOKENS. */
  tillTokenHashes?: ReadonlyMap<string, string>
  /** Old tokens still valid during a rotation. */
  previousTillTokenHashes?: ReadonlyMap<string, string>
}

/** Starts a real gateway on 127.0.0.1 port 0 with two tills; stopped after each test. */
export function useGateway(): (options?: HarnessOptions) => Promise<GatewayHarness & { payments: PaymentsApi }> {
  const started: GatewayHarness[] = []
  afterEach(async () => {
    for (const h of started.splice(0)) await h.stop()
  })
  return async (options = {}) => {
    const config = configSchema.parse({ gateway: { port: 0, ...options.gateway } }).gateway
    const { log, text } = captureLogger()
    const payments = options.payments ?? new MemoryPayments()
    const gateway = new TillGateway({
      config,
      tillTokenHashes:
        options.tillTokenHashes ?? new Map(Object.entries(TOKENS).map(([id, token]) => [id, sha256Hex(token)])),
      payments,
      ...(options.previousTillTokenHashes ? { previousTillTokenHashes: options.previousTillTokenHashes } : {}),
      ...(options.provider ? { provider: options.provider } : {}),
      clock: options.clock ?? createSystemClock(),
      log,
      ...(options.countRefusal ? { countRefusal: options.countRefusal } : {}),
    })
    await gateway.start()
    const { port } = gateway.address()
    const harness = {
      gateway,
      payments,
      port,
      url: `ws://127.0.0.1:${port}${config.path}`,
      logText: text,
      stop: () => gateway.stop(),
    }
    started.push(harness)
    return harness
  }
}
