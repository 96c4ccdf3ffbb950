import { afterEach, describe, expect, it } from 'vitest'
import { TillClient } from '../../../src/client/index.js'
import type { EventFrame } from '../../../src/protocol/index.js'
import { createSystemClock } from '../../../src/shared/clock.js'
import { ChaosDaemon } from '../../chaos/daemon.js'
import { makeTills, writeDaemonSetup } from '../../helpers/daemon-setup.js'
import { freePort } from '../../helpers/free-port.js'
import { useSimulator } from '../../helpers/simulator.js'
import { useTempDir } from '../../helpers/temp-dir.js'

/**
 * Vipps' refusals through the real daemon (dist/main.js run) and the real simulator: what the
 * engine does and what the till is told.
 */

const sim = useSimulator({ clock: createSystemClock(), rateLimitScale: 0 })
const tempDir = useTempDir('tillbridge-refusals-')
const cleanup: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c()
})

interface SimLedgerPayment {
  reference: string
  state: string
  aggregate: Record<'authorizedAmount' | 'capturedAmount' | 'cancelledAmount' | 'refundedAmount', { value: number }>
}

async function startDaemon(payments: Record<string, unknown> = {}) {
  const [till] = makeTills(1)
  if (!till) throw new Error('no till')
  const setup = writeDaemonSetup({
    dir: tempDir(),
    simulatorUrl: sim().baseUrl,
    gatewayPort: await freePort(),
    tills: [till],
    payments,
  })
  const daemon = new ChaosDaemon({ configFile: setup.configFile })
  await daemon.start()
  cleanup.push(() => daemon.stop())
  const events: EventFrame[] = []
  const client = new TillClient({ url: setup.tillUrl, token: till.token, onEvent: (e) => void events.push(e) })
  await client.connect()
  cleanup.push(() => client.close())
  return { client, events }
}

async function simPayment(reference: string): Promise<SimLedgerPayment> {
  const ledger = await sim().control<{ payments: SimLedgerPayment[] }>('GET', `/payments?reference=${reference}`)
  const found = ledger.body.payments[0]
  if (!found) throw new Error(`the simulator has no ${reference}`)
  return found
}

describe('refusals through the daemon and the simulator', () => {
  it('a till cancels while Vipps is still processing the approval (6250): cancelled, nothing captured', async () => {
    // Slow polling: the daemon must not see the approval before the till's cancel reaches Vipps.
    const { client } = await startDaemon({ pollFirstDelayMs: 4000, pollIntervalMs: 4000 })
    const created = await client.createPayment({
      key: 'sale-6250',
      amount: { value: 12550, currency: 'NOK' },
      flow: 'push',
      customer: { phoneNumber: '4791234560' },
      capture: 'auto',
    })
    const { reference } = await client.waitFor('sale-6250', 'pending', 10_000)
    expect(reference).toBe(created.payment.reference)
    // The customer approves; in Vipps' processing window the till's cancel gets 6250.
    expect((await sim().control('POST', `/payments/${reference}/approve`)).status).toBe(200)
    await client.cancelPayment('sale-6250')
    const final = await client.waitFor('sale-6250', ['cancelled', 'captured'], 30_000)
    const atVipps = await simPayment(reference)
    const answered6250 = sim().exchanges.some((e) => e.path.endsWith('/cancel') && e.responseText.includes('"6250"'))
    expect(answered6250, 'the simulator answered 6250 at least once').toBe(true)
    expect(final.status).toBe('cancelled')
    expect(atVipps.aggregate.capturedAmount.value).toBe(0)
    expect(atVipps.aggregate.cancelledAmount.value).toBe(12550)
  }, 60_000)
})
