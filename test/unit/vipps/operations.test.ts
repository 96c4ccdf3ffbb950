import { describe, expect, it } from 'vitest'
import { createSilentLogger } from '../../../src/log/logger.js'
import { ManualClock } from '../../../src/shared/manual-clock.js'
import { VippsClients, vippsSetupFromConfig } from '../../../src/vipps/clients.js'
import { FakeVipps, runUntilSettled } from '../../helpers/fake-vipps.js'
import { useConformingFetch } from '../../helpers/recording-fetch.js'
import { fakeVippsClients, TEST_CREDENTIALS, TEST_MSN, TEST_PROVIDER } from '../../helpers/vipps-fixture.js'

const conforming = useConformingFetch()
const wrapFetch = (inner: typeof globalThis.fetch) => conforming(inner).fetch

const REF = 'tb-s1-000123'

describe('EpaymentClient', () => {
  it('reads a payment and its event log by reference', async () => {
    const { clock, vipps, epayment } = fakeVippsClients({ wrapFetch })
    vipps.replies.push({ status: 200, body: { reference: REF, state: 'CREATED' } }, { status: 200, body: [] })
    expect((await runUntilSettled(clock, epayment.getPayment(REF))).value).toMatchObject({ state: 'CREATED' })
    expect((await runUntilSettled(clock, epayment.getEvents(REF))).value).toEqual([])
    expect(vipps.apiRequests.map((r) => `${r.method} ${r.path} ${r.body ?? '-'}`)).toEqual([
      `GET /epayment/v1/payments/${REF} -`,
      `GET /epayment/v1/payments/${REF}/events -`,
    ])
    expect(vipps.apiRequests.every((r) => r.headers['content-type'] === undefined)).toBe(true)
    expect(vipps.apiRequests.every((r) => r.headers['idempotency-key'] === undefined)).toBe(true)
  })

  it('refuses a bad reference or key before sending anything', async () => {
    const { vipps, epayment } = fakeVippsClients({ wrapFetch })
    const body = '{}'
    await expect(epayment.getPayment('../../x')).rejects.toMatchObject({ code: 'PROVIDER_REJECTED' })
    await expect(epayment.capturePayment('short', { idempotencyKey: 'k', body })).rejects.toMatchObject({
      code: 'PROVIDER_REJECTED',
    })
    await expect(epayment.createPayment({ idempotencyKey: 'k'.repeat(51), body })).rejects.toMatchObject({
      code: 'PROVIDER_REJECTED',
    })
    await expect(epayment.createPayment({ idempotencyKey: '', body })).rejects.toMatchObject({
      code: 'PROVIDER_REJECTED',
    })
    expect(vipps.requests).toHaveLength(0)
  })

  it('sends test approve in the test environment', async () => {
    const { clock, vipps, epayment } = fakeVippsClients({ wrapFetch })
    await runUntilSettled(clock, epayment.testApprove(REF, { customer: { phoneNumber: '4791234561' } }))
    expect(vipps.apiRequests[0]).toMatchObject({
      method: 'POST',
      path: `/epayment/v1/test/payments/${REF}/approve`,
      body: '{"customer":{"phoneNumber":"4791234561"}}',
    })
  })

  it.each(['https://api.vipps.no', 'https://API.vipps.no/', 'https://api.vipps.no./'])(
    'refuses test approve against production (%s)',
    async (baseUrl) => {
      const { vipps, epayment } = fakeVippsClients({ wrapFetch, baseUrl })
      await expect(epayment.testApprove(REF, { token: 'abc' })).rejects.toMatchObject({
        code: 'PROVIDER_REJECTED',
        message: 'testApprove refused: the base URL is production',
      })
      expect(vipps.requests).toHaveLength(0)
    },
  )
})

describe('MerchantClient', () => {
  it('reads the sales unit and manages webhooks', async () => {
    const { clock, vipps, merchant } = fakeVippsClients({ wrapFetch })
    const hook = { id: '0f8fad5b-d9cb-469f-a165-70867728950e', url: 'https://example.com/h', events: ['e'] }
    vipps.replies.push(
      { status: 200, body: { msn: TEST_MSN, name: 'Shop' } },
      { status: 201, body: { id: hook.id, secret: 'hook-secret' } },
      { status: 200, body: { webhooks: [hook] } },
      { status: 204 },
      { status: 404, body: { status: 404, title: 'Not found' } },
    )
    expect((await runUntilSettled(clock, merchant.getSalesUnit())).value).toMatchObject({ msn: TEST_MSN })
    const registered = await runUntilSettled(clock, merchant.registerWebhook({ url: hook.url, events: hook.events }))
    expect(registered.value).toEqual({ id: hook.id, secret: 'hook-secret' })
    expect((await runUntilSettled(clock, merchant.listWebhooks())).value).toEqual([hook])
    expect((await runUntilSettled(clock, merchant.deleteWebhook(hook.id))).error).toBeUndefined()
    expect((await runUntilSettled(clock, merchant.deleteWebhook(hook.id))).error).toBeUndefined()
    expect(vipps.apiRequests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /management/v1/sales-units/${TEST_MSN}`,
      'POST /webhooks/v1/webhooks',
      'GET /webhooks/v1/webhooks',
      `DELETE /webhooks/v1/webhooks/${hook.id}`,
      `DELETE /webhooks/v1/webhooks/${hook.id}`,
    ])
    expect(vipps.apiRequests[1]?.body).toBe(JSON.stringify({ url: hook.url, events: hook.events }))
  })
})

describe('VippsClients', () => {
  function partnerClients() {
    const clock = new ManualClock()
    const vipps = new FakeVipps(clock)
    const provider = {
      credentialSets: [
        {
          name: 'partner',
          partner: true,
          clientId: { file: 'x' },
          clientSecret: { file: 'x' },
          subscriptionKey: { file: 'x' },
        },
      ],
      salesUnits: [
        { msn: '111111', credentialSet: 'partner' },
        { msn: '222222', credentialSet: 'partner' },
      ],
    }
    const setup = vippsSetupFromConfig(provider as never, { credentialSets: new Map([['partner', TEST_CREDENTIALS]]) })
    const clients = new VippsClients({
      setup,
      provider: TEST_PROVIDER,
      baseUrl: () => 'https://apitest.vipps.no',
      fetch: wrapFetch(vipps.fetch),
      clock,
      log: createSilentLogger(),
    })
    return { clock, vipps, clients }
  }

  it('serves several sales units from one partner token, naming each by its MSN header', async () => {
    const { clock, vipps, clients } = partnerClients()
    expect(clients.msns()).toEqual(['111111', '222222'])
    await runUntilSettled(
      clock,
      Promise.all([clients.epayment('111111').getPayment(REF), clients.epayment('222222').getPayment(REF)]),
    )
    expect(vipps.tokenRequests).toHaveLength(1)
    expect(vipps.tokenRequests[0]?.headers['merchant-serial-number']).toBeUndefined()
    expect(vipps.apiRequests.map((r) => r.headers['merchant-serial-number']).sort()).toEqual(['111111', '222222'])
    expect(clients.health.tokenSecondsLeft()).toEqual({ partner: 3600 })
  })

  it('names the MSN on the token request of a merchant key set', async () => {
    const { clock, vipps, epayment } = fakeVippsClients({ wrapFetch })
    await runUntilSettled(clock, epayment.getPayment(REF))
    expect(vipps.tokenRequests[0]?.headers['merchant-serial-number']).toBe(TEST_MSN)
  })

  it('refuses an MSN it does not serve', () => {
    const { clients } = partnerClients()
    expect(() => clients.epayment('999999')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }))
  })

  it('fetches tokens at start and keeps no timer after stop', async () => {
    const { clock, vipps, clients } = partnerClients()
    await clients.start()
    await clock.advance(0)
    expect(vipps.tokenRequests).toHaveLength(1)
    expect(clock.pendingTimers).toBe(1)
    await clients.stop()
    expect(clock.pendingTimers).toBe(0)
  })
})
