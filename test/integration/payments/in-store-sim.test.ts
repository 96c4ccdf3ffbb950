import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createSilentLogger } from '../../../src/log/logger.js'
import type { PaymentStatus } from '../../../src/payments/types.js'
import { createSystemClock } from '../../../src/shared/clock.js'
import { singleUnitSetup, VippsClients } from '../../../src/vipps/clients.js'
import { type PaymentsHarness, pushPayment, startPayments } from '../../helpers/payments-harness.js'
import { useConformingFetch } from '../../helpers/recording-fetch.js'
import { DEMO, useSimulator } from '../../helpers/simulator.js'
import { useTempDir } from '../../helpers/temp-dir.js'
import { TEST_PROVIDER } from '../../helpers/vipps-fixture.js'

/**
 * In-store features against the real simulator, through the engine, the real Vipps client and a
 * journal file: age-restricted sales (minimumUserAge) and the MobilePay personal QR. Every
 * request the client sends is checked against the official OpenAPI files (with the documented
 * errata), and every answer of the simulator too.
 */

const sim = useSimulator({ rateLimitScale: 0 })
const conforming = useConformingFetch()
const tempDir = useTempDir('tillbridge-instore-')
let clients: VippsClients
let recorder: ReturnType<ReturnType<typeof useConformingFetch>>
let h: PaymentsHarness | undefined

beforeEach(async () => {
  recorder = conforming(globalThis.fetch)
  clients = new VippsClients({
    setup: singleUnitSetup('sim', DEMO),
    provider: { ...TEST_PROVIDER, retries: 0, attemptTimeoutMs: 2000, deadlineMs: 3000 },
    baseUrl: () => sim().baseUrl,
    fetch: recorder.fetch,
    clock: createSystemClock(),
    log: createSilentLogger(),
  })
  await clients.start()
})
afterEach(async () => {
  await h?.stop()
  h = undefined
  await clients.stop()
})

async function engine(dir = tempDir()): Promise<PaymentsHarness> {
  h = await startPayments({
    dir,
    provider: (msn) => clients.epayment(msn),
    clock: createSystemClock(),
    payments: { pollFirstDelayMs: 20, pollIntervalMs: 20 },
  })
  return h
}

async function reach(e: PaymentsHarness, key: string, status: PaymentStatus) {
  await expect.poll(() => e.engine.get('till-1', key).status, { timeout: 5000, interval: 10 }).toBe(status)
  return e.engine.get('till-1', key)
}

async function approve(reference: string): Promise<void> {
  const r = await sim().control('POST', `/payments/${reference}/approve`)
  expect(r.status, r.text).toBeLessThan(300)
}

function sentCreates(): Array<Record<string, unknown>> {
  return recorder.sent
    .filter((r) => r.method === 'POST' && r.path === '/epayment/v1/payments')
    .map((r) => JSON.parse(r.body ?? '{}') as Record<string, unknown>)
}

describe('age-restricted sales (minimumUserAge)', () => {
  it('a customer old enough pays; the limit goes to Vipps on the create', async () => {
    const e = await engine()
    // The simulator's customer 4790000251 is 25 years old (SIMULATOR.md: the digits before the last).
    const { payment } = await e.engine.create('till-1', pushPayment('age-ok', '4790000251', { minimumUserAge: 18 }))
    await reach(e, 'age-ok', 'pending')
    await approve(payment.reference)
    expect(await reach(e, 'age-ok', 'captured')).toMatchObject({ captured: 12550 })
    expect(sentCreates()).toEqual([expect.objectContaining({ minimumUserAge: 18, reference: payment.reference })])
  })

  it('an underage customer is refused like an unknown one: failed 7010, nothing about age', async () => {
    const e = await engine()
    // 4790000171 is 17 years old and would otherwise approve at once.
    await e.engine.create('till-1', pushPayment('age-no', '4790000171', { minimumUserAge: 18 }))
    const failed = await reach(e, 'age-no', 'failed')
    expect(failed.failure?.code).toBe('7010')
    expect(failed.failure?.message ?? '').not.toMatch(/age/i)
    const ledger = (await sim().control<{ payments: unknown[] }>('GET', '/payments')).body.payments
    expect(ledger).toEqual([])
  })

  it('without a limit the same young customer pays', async () => {
    const e = await engine()
    const { payment } = await e.engine.create('till-1', pushPayment('age-none', '4790000171'))
    await reach(e, 'age-none', 'pending')
    await approve(payment.reference)
    await reach(e, 'age-none', 'captured')
    expect(sentCreates()[0]).not.toHaveProperty('minimumUserAge')
  })
})

async function personalQr(phoneNumber: string, ttlSeconds?: number): Promise<string> {
  const r = await sim().control<{ qrCode: string }>('POST', '/personal-qr', {
    phoneNumber,
    ...(ttlSeconds === undefined ? {} : { ttlSeconds }),
  })
  expect(r.status, r.text).toBe(201)
  return r.body.qrCode
}

function sentPaths(): string[] {
  return recorder.sent.filter((r) => r.method === 'POST').map((r) => r.path)
}

describe('MobilePay personal QR', () => {
  it('is exchanged for the number before the create; the sale goes through', async () => {
    const e = await engine()
    const qrCode = await personalQr('4790000301')
    const { payment } = await e.engine.create(
      'till-1',
      pushPayment('pqr-ok', undefined, { customer: { personalQr: qrCode } }),
    )
    await reach(e, 'pqr-ok', 'pending')
    expect(sentPaths()).toEqual(['/accesstoken/get', '/qr/v1/exchange', '/epayment/v1/payments'])
    expect(sentCreates()[0]?.customer).toEqual({ phoneNumber: '4790000301' })
    await approve(payment.reference)
    expect(await reach(e, 'pqr-ok', 'captured')).toMatchObject({ captured: 12550 })
  })

  it("also exchanges Vipps' clear-text personal QR", async () => {
    const e = await engine()
    const qrCode = 'https://qr.vipps.no/28/2/01/031/4790000401?v=1'
    await e.engine.create('till-1', pushPayment('pqr-vipps', undefined, { customer: { personalQr: qrCode } }))
    await reach(e, 'pqr-vipps', 'pending')
    expect(sentCreates()[0]?.customer).toEqual({ phoneNumber: '4790000401' })
  })

  it('an expired or unknown code fails the sale with 4060 and nothing is created', async () => {
    const e = await engine()
    const stale = await personalQr('4790000301', 60)
    sim().advance(61_000)
    await e.engine.create('till-1', pushPayment('pqr-old', undefined, { customer: { personalQr: stale } }))
    await e.engine.create('till-1', pushPayment('pqr-bad', undefined, { customer: { personalQr: 'not-a-qr-code' } }))
    expect((await reach(e, 'pqr-old', 'failed')).failure?.code).toBe('4060')
    expect((await reach(e, 'pqr-bad', 'failed')).failure?.code).toBe('4060')
    expect(sentCreates()).toEqual([])
  })

  it('an age-restricted sale to a scanned customer checks the age of the number behind the code', async () => {
    const e = await engine()
    const young = await personalQr('4790000171')
    await e.engine.create(
      'till-1',
      pushPayment('pqr-young', undefined, { customer: { personalQr: young }, minimumUserAge: 18 }),
    )
    expect((await reach(e, 'pqr-young', 'failed')).failure?.code).toBe('7010')
  })
})

describe('the simulator is strict about personal QR', () => {
  it('refuses a MobilePay token sent straight to the create (4060): it must be exchanged', async () => {
    const qrCode = await personalQr('4790000301')
    const r = await sim().createPayment({ customer: { personalQr: qrCode } })
    expect(r.status).toBe(400)
    expect(r.text).toContain('4060')
  })

  it('refuses an exchange without a valid token (401) or without qrCode (400)', async () => {
    const noToken = await sim().raw('POST', '/qr/v1/exchange', { body: { qrCode: 'x' } })
    expect(noToken.status).toBe(401)
    const noCode = await sim().vipps('POST', '/qr/v1/exchange', { body: { requestedData: ['MSISDN'] } })
    expect(noCode.status).toBe(400)
  })
})
