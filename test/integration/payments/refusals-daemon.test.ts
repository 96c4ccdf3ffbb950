import { afterEach, describe, expect, it } from 'vitest'
import { TillClient } from '../../../src/client/index.js'
import { sha256Hex } from '../../../src/config/secrets.js'
import type { EventFrame } from '../../../src/protocol/index.js'
import { createSystemClock } from '../../../src/shared/clock.js'
import { ChaosDaemon } from '../../chaos/daemon.js'
import { makeTills, writeDaemonSetup } from '../../helpers/daemon-setup.js'
import { freePort } from '../../helpers/free-port.js'
import { runCliCaptured } from '../../helpers/run-cli.js'
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
  const adminPort = await freePort()
  const setup = writeDaemonSetup({
    dir: tempDir(),
    simulatorUrl: sim().baseUrl,
    gatewayPort: await freePort(),
    tills: [till],
    payments,
    admin: { enabled: true, port: adminPort, tokenSha256: sha256Hex(ADMIN_TOKEN) },
  })
  const daemon = new ChaosDaemon({ configFile: setup.configFile })
  await daemon.start()
  cleanup.push(() => daemon.stop())
  const events: EventFrame[] = []
  const client = new TillClient({ url: setup.tillUrl, token: till.token, onEvent: (e) => void events.push(e) })
  await client.connect()
  cleanup.push(() => client.close())
  const admin = (path: string) =>
    fetch(`http://127.0.0.1:${adminPort}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
  return { client, events, setup, admin }
}

const ADMIN_TOKEN = 'admin-token-for-the-refusals-test'

const sale = (key: string, capture: 'auto' | 'manual') => ({
  key,
  amount: { value: 12550, currency: 'NOK' as const },
  flow: 'push' as const,
  // Last digit 1: the simulated customer approves after 1.5 s.
  customer: { phoneNumber: '4791234561' },
  capture,
})

const refusalsOf = (events: EventFrame[], key: string) =>
  events.filter((e) => e.payment.key === key && e.payment.refusal).map((e) => e.payment.refusal)

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

  it('a capture and a refund Vipps refuses after the till was told "accepted" reach the till, payments show and the status page', async () => {
    const { client, events, setup, admin } = await startDaemon()
    // A manual sale whose reservation the bank releases early: the capture gets 6260.
    const manual = await client.createPayment(sale('sale-6260', 'manual'))
    await client.waitFor('sale-6260', 'authorized', 15_000)
    expect((await sim().control('POST', `/payments/${manual.payment.reference}/release`)).status).toBe(200)
    const accepted = await client.capturePayment('sale-6260')
    expect(accepted.payment.status).toBe('authorized')
    await expect
      .poll(() => refusalsOf(events, 'sale-6260'), { timeout: 10_000 })
      .toEqual([{ operation: 'capture', code: '6260', message: 'Funds unavailable', at: expect.any(String) }])
    // An auto sale, captured; Vipps refuses the refund with 6220 (scripted).
    await client.createPayment(sale('sale-6220', 'auto'))
    await client.waitFor('sale-6220', 'captured', 15_000)
    expect((await sim().control('POST', '/refusals', { operation: 'refund', code: '6220' })).status).toBe(201)
    const refund = await client.refundPayment('sale-6220', 'return-1', { value: 500, currency: 'NOK' })
    expect(refund.payment.status).toBe('captured')
    await expect
      .poll(() => refusalsOf(events, 'sale-6220'), { timeout: 10_000 })
      .toEqual([{ operation: 'refund', code: '6220', message: 'Refund period expired', at: expect.any(String) }])
    const after = await client.getPayment('sale-6220')
    expect(after.payment).toMatchObject({ status: 'captured', refunded: 0 })
    expect(after.payment.needsAttention).toBeUndefined()

    const shown = await runCliCaptured(['payments', 'show', 'sale-6260', '--config', setup.configFile])
    expect(shown.code, shown.stderr).toBe(0)
    expect(shown.stdout).toMatch(/refusal +capture refused by Vipps with 6260: Funds unavailable/)
    const status = (await (await admin('/status.json')).json()) as {
      payments: { needingAttention: number; refusals: Array<{ key: string; operation: string; code: string }> }
    }
    expect(status.payments.refusals.map((r) => [r.key, r.operation, r.code])).toEqual([
      ['sale-6220', 'refund', '6220'],
      ['sale-6260', 'capture', '6260'],
    ])
    expect(status.payments.needingAttention).toBe(0)
  }, 60_000)

  it('a refusal retried past its bound flags the payment for a person, in the protocol and the metric', async () => {
    // Vipps' 5 modifications a minute would stretch the 20 tries over minutes; the bound is under test.
    const { client, events, admin } = await startDaemon({ modificationsPerMinute: 1000 })
    await client.createPayment(sale('sale-busy', 'manual'))
    const { reference } = await client.waitFor('sale-busy', 'authorized', 15_000)
    // Vipps answers "order processing" (6160) to every capture: retried, then given up.
    await sim().control('POST', '/refusals', { operation: 'capture', code: '6160', times: 1000, reference })
    await client.capturePayment('sale-busy')
    await expect
      .poll(() => events.some((e) => e.payment.key === 'sale-busy' && e.payment.needsAttention), { timeout: 45_000 })
      .toBe(true)
    const flagged = (await client.getPayment('sale-busy')).payment
    // The manual reservation nobody could capture is released when its capture deadline passes.
    expect(['authorized', 'cancelling', 'cancelled']).toContain(flagged.status)
    expect(flagged).toMatchObject({
      needsAttention: true,
      refusal: { operation: 'capture', code: '6160' },
    })
    const metrics = await (await admin('/metrics')).text()
    expect(metrics).toMatch(/^tillbridge_payments_needing_attention 1$/m)
    await sim().control('DELETE', '/refusals')
  }, 60_000)
})
