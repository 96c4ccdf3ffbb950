import { afterEach } from 'vitest'
import { App } from '../../src/app/app.js'
import { createContext } from '../../src/app/context.js'
import { TillClient } from '../../src/client/index.js'
import { loadConfig } from '../../src/config/load.js'
import { loadSecrets, sha256Hex } from '../../src/config/secrets.js'
import { createSilentLogger } from '../../src/log/logger.js'
import type { Payment, PaymentStatus } from '../../src/protocol/index.js'
import { writeVippsConfig } from './ops-config.js'
import type { SimulatorHarness } from './simulator.js'

export const TILL_TOKENS = { 'till-1': 'ops-till-one-token-0123456789', 'till-2': 'ops-till-two-token-0123456789' }

export interface OpsDaemon {
  app: App
  /** The config file, for the CLI. */
  file: string
  journal: string
  gatewayUrl: string
  adminUrl: string | undefined
  /** A connected till client of the daemon. */
  till(id: keyof typeof TILL_TOKENS): Promise<TillClient>
  /** Creates a push payment that waits for the customer, and has the simulator's customer act on it. */
  pay(till: TillClient, key: string, value: number, customer: 'approve' | 'reject' | 'wait'): Promise<Payment>
}

/**
 * The whole daemon in-process (engine, worker, gateway, admin) with `provider.kind: vipps` against
 * a test simulator, configured through a real config file with secret files, so the CLI can be
 * pointed at the same file while the daemon runs. Customers act only through the control API.
 */
export function useOpsDaemon(sim: () => SimulatorHarness) {
  const cleanup: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c()
  })
  return async (dir: string, extra: Record<string, unknown> = {}): Promise<OpsDaemon> => {
    const { file, journal } = writeVippsConfig(dir, {
      baseUrl: sim().baseUrl,
      extra: {
        gateway: {
          port: 0,
          tills: Object.entries(TILL_TOKENS).map(([id, token]) => ({ id, tokenSha256: sha256Hex(token) })),
        },
        admin: { port: 0, tokenSha256: sha256Hex('ops-admin-token') },
        payments: { pollFirstDelayMs: 20, pollIntervalMs: 20 },
        ...extra,
      },
    })
    const { config } = loadConfig(file, {})
    const app = new App(createContext(config, loadSecrets(config, {}), { log: createSilentLogger() }))
    await app.start()
    cleanup.push(() => app.stop())
    const url = (name: string) => app.listening().find((l) => l.name === name)?.url
    const gatewayUrl = url('gateway')
    if (!gatewayUrl) throw new Error('gateway not listening')
    const till = async (id: keyof typeof TILL_TOKENS) => {
      const client = new TillClient({ url: gatewayUrl, token: TILL_TOKENS[id] })
      cleanup.push(() => client.close())
      await client.connect()
      return client
    }
    const pay: OpsDaemon['pay'] = async (client, key, value, customer) => {
      const { payment } = await client.createPayment({
        key,
        amount: { value, currency: 'NOK' },
        flow: 'push',
        customer: { phoneNumber: '4791234560' },
        capture: 'auto',
      })
      await client.waitFor(key, 'pending', 10_000)
      if (customer === 'wait') return payment
      const res = await sim().control('POST', `/payments/${payment.reference}/${customer}`)
      if (res.status >= 300) throw new Error(`control ${customer}: ${res.status} ${res.text}`)
      const final: PaymentStatus = customer === 'approve' ? 'captured' : 'declined'
      return client.waitFor(key, final, 10_000)
    }
    return { app, file, journal, gatewayUrl, adminUrl: url('admin'), till, pay }
  }
}
