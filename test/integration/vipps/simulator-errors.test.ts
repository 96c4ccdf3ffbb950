import { describe, expect, it } from 'vitest'
import { createSilentLogger } from '../../../src/log/logger.js'
import { createSystemClock } from '../../../src/shared/clock.js'
import { modificationBody } from '../../../src/vipps/api.js'
import { singleUnitSetup, VippsClients } from '../../../src/vipps/clients.js'
import { ProviderError } from '../../../src/vipps/errors.js'
import { useConformingFetch } from '../../helpers/recording-fetch.js'
import { DEMO, pushPayment, type SimulatorHarness, useSimulator } from '../../helpers/simulator.js'
import { TEST_PROVIDER } from '../../helpers/vipps-fixture.js'

/** What real refusals from the (strict) simulator become, and that none of them is retried. */

const getSim = useSimulator({ rateLimitScale: 0, environment: 'production' })
const conforming = useConformingFetch()
const AMOUNT = { currency: 'NOK' as const, value: 12550 }

function client(sim: SimulatorHarness) {
  const recorder = conforming(globalThis.fetch)
  const clients = new VippsClients({
    setup: singleUnitSetup('simulator', DEMO),
    provider: { ...TEST_PROVIDER, minRetryDelayMs: 20, maxRetryDelayMs: 200 },
    baseUrl: () => sim.baseUrl,
    fetch: recorder.fetch,
    clock: createSystemClock(),
    log: createSilentLogger(),
  })
  return { recorder, epayment: clients.epayment(DEMO.msn), merchant: clients.merchant(DEMO.msn) }
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  )
  expect(error).toBeInstanceOf(ProviderError)
  return error as ProviderError
}

describe('Vipps client against the simulator: refusals', () => {
  it('400 with code 6080 (capture before reservation): one attempt, code and traceId on the error', async () => {
    const sim = getSim()
    const c = client(sim)
    const reference = 'err-capture-early'
    await sim.createPayment({ reference }, `${reference}-setup`)
    const request = { idempotencyKey: `${reference}-cap1`, body: modificationBody.capture(AMOUNT) }
    const error = await failure(c.epayment.capturePayment(reference, request))
    expect(error).toMatchObject({ code: 'PROVIDER_REJECTED', status: 400, vippsCode: '6080', retryable: false })
    expect(error.traceId).toMatch(/\S/)
    expect(c.recorder.sent.filter((r) => r.path.endsWith('/capture'))).toHaveLength(1)
  })

  it('404 for an unknown reference, one attempt', async () => {
    const sim = getSim()
    const c = client(sim)
    const error = await failure(c.epayment.getPayment('err-no-such-ref'))
    expect(error).toMatchObject({ code: 'PROVIDER_NOT_FOUND', status: 404, retryable: false })
    expect(c.recorder.sent.filter((r) => r.path.includes('err-no-such-ref'))).toHaveLength(1)
  })

  it('409 for a key reused with a different body, one attempt', async () => {
    const sim = getSim()
    const c = client(sim)
    const reference = 'err-key-reuse'
    const key = `${reference}-c`
    await c.epayment.createPayment({ idempotencyKey: key, body: JSON.stringify(pushPayment({ reference })) })
    const other = JSON.stringify(pushPayment({ reference, amount: { currency: 'NOK', value: 20000 } }))
    const error = await failure(c.epayment.createPayment({ idempotencyKey: key, body: other }))
    expect(error).toMatchObject({ code: 'PROVIDER_CONFLICT', status: 409, retryable: false })
    expect(c.recorder.sent.filter((r) => r.path === '/epayment/v1/payments')).toHaveLength(2)
  })

  it('a token the simulator sees as expired: one refresh, the call sent once more, then success', async () => {
    const sim = getSim()
    const c = client(sim)
    await c.merchant.getSalesUnit()
    // Our token manager measures its own time; Vipps' clock says the token is over.
    await sim.control('POST', '/clock', { advanceMs: 3600_000 })
    await expect(c.merchant.getSalesUnit()).resolves.toMatchObject({ msn: DEMO.msn })
    const statuses = sim.exchanges.map((e) => `${e.method} ${e.path} ${e.status}`)
    expect(statuses).toEqual([
      'POST /accesstoken/get 200',
      `GET /management/v1/sales-units/${DEMO.msn} 200`,
      `GET /management/v1/sales-units/${DEMO.msn} 401`,
      'POST /accesstoken/get 200',
      `GET /management/v1/sales-units/${DEMO.msn} 200`,
    ])
  })

  it('refused keys: PROVIDER_UNAUTHORIZED, no API call', async () => {
    const sim = getSim()
    const recorder = conforming(globalThis.fetch)
    const clients = new VippsClients({
      setup: singleUnitSetup('wrong', { ...DEMO, clientSecret: 'not-the-demo-secret' }),
      provider: TEST_PROVIDER,
      baseUrl: () => sim.baseUrl,
      fetch: recorder.fetch,
      clock: createSystemClock(),
      log: createSilentLogger(),
    })
    const error = await failure(clients.epayment(DEMO.msn).getPayment('err-any-reference'))
    expect(error).toMatchObject({ code: 'PROVIDER_UNAUTHORIZED', status: 401, retryable: false })
    expect(recorder.sent.map((r) => r.path)).toEqual(['/accesstoken/get'])
    expect(clients.health.state).toBe('down')
  })
})
