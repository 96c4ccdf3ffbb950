import { describe, expect, it } from 'vitest'
import { modificationBody } from '../../../src/vipps/api.js'
import { ProviderError } from '../../../src/vipps/errors.js'
import { problem, runUntilSettled } from '../../helpers/fake-vipps.js'
import { useConformingFetch } from '../../helpers/recording-fetch.js'
import { fakeVippsClients, TEST_CREDENTIALS, TEST_MSN } from '../../helpers/vipps-fixture.js'

const conforming = useConformingFetch()
const wrapFetch = (inner: typeof globalThis.fetch) => conforming(inner).fetch

const REF = 'tb-s1-000123'
const capture = { idempotencyKey: `${REF}-cap1`, body: modificationBody.capture({ currency: 'NOK', value: 1000 }) }
const okModification = { status: 200, body: { reference: REF } }

async function failureOf(promise: Promise<unknown>, clock: { advance(ms: number): Promise<void> }) {
  const outcome = await runUntilSettled(clock, promise, { stepMs: 50 })
  expect(outcome.error).toBeInstanceOf(ProviderError)
  return outcome.error as ProviderError
}

describe('VippsHttp: what every attempt sends', () => {
  it('sends every header, and the same key and bytes in a new request on every retry', async () => {
    const { clock, vipps, epayment } = fakeVippsClients({ wrapFetch })
    vipps.replies.push(
      { status: 500 },
      { status: 502 },
      { status: 503 },
      { status: 423, body: problem(423, undefined) },
      { status: 429, headers: { 'retry-after': '3' } },
      { drop: 'before', code: 'ECONNRESET' },
      okModification,
    )
    const outcome = await runUntilSettled(clock, epayment.capturePayment(REF, capture), { stepMs: 25 })
    expect(outcome.value).toEqual({ reference: REF })
    const attempts = vipps.apiRequests
    expect(attempts).toHaveLength(7)
    for (const a of attempts) {
      expect(a.method).toBe('POST')
      expect(a.path).toBe(`/epayment/v1/payments/${REF}/capture`)
      expect(a.body).toBe(capture.body)
      expect(a.headers).toEqual({
        authorization: 'Bearer fake-token-1',
        'ocp-apim-subscription-key': TEST_CREDENTIALS.subscriptionKey,
        'merchant-serial-number': TEST_MSN,
        'vipps-system-name': 'acme-pos',
        'vipps-system-version': '3.2',
        'vipps-system-plugin-name': 'tillbridge',
        'vipps-system-plugin-version': '0.1.0',
        accept: 'application/json, application/problem+json',
        'content-type': 'application/json',
        'idempotency-key': capture.idempotencyKey,
      })
    }
    expect(new Set(attempts.map((a) => a.headersObject)).size).toBe(7)
    // Jittered backoff 75, 150, 300, 600 ms, then Retry-After 3 s wins over 1200 ms, then 1500 ms.
    const gaps = attempts.slice(1).map((a, i) => a.at - (attempts[i]?.at ?? 0))
    expect(gaps).toEqual([75, 150, 300, 600, 3000, 1500])
    expect(vipps.tokenRequests).toHaveLength(1)
  })

  it('honours Retry-After given as an HTTP date', async () => {
    const { clock, vipps, epayment } = fakeVippsClients({ wrapFetch })
    vipps.replies.push(
      () => ({ status: 429, headers: { 'retry-after': new Date(clock.now() + 5000).toUTCString() } }),
      { status: 200, body: {} },
    )
    await runUntilSettled(clock, epayment.getPayment(REF), { stepMs: 100 })
    const [first, second] = vipps.apiRequests
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(4000)
  })

  it('ends a call refused with 6160 or 6280 at once, retryable: the engine sends it again later', async () => {
    const { clock, vipps, epayment } = fakeVippsClients({ wrapFetch })
    vipps.replies.push({ status: 400, body: problem(400, '6160', 'Order processing') }, okModification)
    const { error } = await runUntilSettled(clock, epayment.capturePayment(REF, capture))
    expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true, vippsCode: '6160' })
    expect(vipps.apiRequests).toHaveLength(1)
  })

  it('gives a cancel the body {"cancelTransactionOnly":…} and a create its stored bytes', async () => {
    const { clock, vipps, epayment } = fakeVippsClients({ wrapFetch })
    const cancel = { idempotencyKey: `${REF}-x`, body: modificationBody.cancel(true) }
    await runUntilSettled(clock, epayment.cancelPayment(REF, cancel))
    const createBody = `{"amount":{"currency":"NOK","value":1000},"paymentMethod":{"type":"WALLET"},"reference":"${REF}",
      "userFlow":"QR","customerInteraction":"CUSTOMER_PRESENT"}`
    const create = { idempotencyKey: `${REF}-c`, body: createBody }
    vipps.replies.push({ status: 201, body: { reference: REF } })
    await runUntilSettled(clock, epayment.createPayment(create))
    const [cancelReq, createReq] = vipps.apiRequests
    expect(cancelReq?.body).toBe('{"cancelTransactionOnly":true}')
    expect(createReq?.path).toBe('/epayment/v1/payments')
    expect(createReq?.body).toBe(create.body)
  })
})

describe('VippsHttp: tokens under load and clock steps', () => {
  it('50 concurrent calls at token expiry make one token request and never send an expired token', async () => {
    const { clock, vipps, epayment } = fakeVippsClients({ wrapFetch })
    await runUntilSettled(clock, epayment.getPayment(REF))
    await clock.advance(3600_000)
    const calls = Array.from({ length: 50 }, () => epayment.getPayment(REF))
    const outcome = await runUntilSettled(clock, Promise.all(calls))
    expect(outcome.error).toBeUndefined()
    expect(vipps.tokenRequests).toHaveLength(2)
    expect(vipps.apiRequests).toHaveLength(51)
    expect(vipps.expiredTokenCalls).toBe(0)
  })

  it('with the wall clock stepped ±10 days: no refresh storm, no call with an expired token', async () => {
    const { clock, vipps, epayment, clients } = fakeVippsClients({ wrapFetch })
    await clients.start()
    const DAY = 86_400_000
    for (let minute = 0; minute < 200; minute++) {
      if (minute % 5 === 0) clock.stepWall(minute % 10 === 0 ? 10 * DAY : -10 * DAY)
      await runUntilSettled(clock, Promise.all([epayment.getPayment(REF), epayment.getEvents(REF)]), { stepMs: 1 })
      await clock.advance(60_000)
    }
    await clients.stop()
    expect(vipps.expiredTokenCalls).toBe(0)
    // One token at start, then one per 54 minutes (lifetime minus 10 %): 200 minutes → 4.
    expect(vipps.tokenRequests).toHaveLength(4)
    expect(vipps.apiRequests).toHaveLength(400)
  })
})

describe('VippsHttp: what is not retried', () => {
  it.each([
    [400, '6080', 'PROVIDER_REJECTED'],
    [403, undefined, 'PROVIDER_UNAUTHORIZED'],
    [404, '5090', 'PROVIDER_NOT_FOUND'],
    [409, '4010', 'PROVIDER_CONFLICT'],
    [422, undefined, 'PROVIDER_REJECTED'],
  ])('%i (Vipps code %s) is final after one attempt: %s', async (status, code, errorCode) => {
    const { clock, vipps, epayment } = fakeVippsClients({ wrapFetch })
    vipps.replies.push({ status, body: problem(status, code, 'Some title') })
    const error = await failureOf(epayment.capturePayment(REF, capture), clock)
    expect(vipps.apiRequests).toHaveLength(1)
    expect(error).toMatchObject({
      code: errorCode,
      retryable: false,
      status,
      vippsCode: code,
      title: 'Some title',
      traceId: `trace-${status}-${code ?? 'none'}`,
      operation: 'capturePayment',
    })
  })

  it('tolerates non-RFC-7807 bodies from Azure', async () => {
    const { clock, vipps, epayment } = fakeVippsClients({ wrapFetch })
    vipps.replies.push({ status: 403, body: { statusCode: 403, message: 'Out of call volume quota.' } })
    const error = await failureOf(epayment.getPayment(REF), clock)
    expect(error).toMatchObject({ code: 'PROVIDER_UNAUTHORIZED', status: 403, title: 'Out of call volume quota.' })
    vipps.replies.push({ status: 429, raw: 'Rate limit is exceeded.' }, { status: 200, body: {} })
    await runUntilSettled(clock, epayment.getPayment(REF))
    expect(vipps.apiRequests).toHaveLength(3)
  })

  it('on a 401 invalidates the token, refreshes once and retries once', async () => {
    const { clock, vipps, epayment } = fakeVippsClients({ wrapFetch })
    await runUntilSettled(clock, epayment.getPayment(REF))
    vipps.revokeTokens()
    await runUntilSettled(clock, epayment.capturePayment(REF, capture))
    expect(vipps.tokenRequests).toHaveLength(2)
    expect(vipps.apiRequests.map((r) => r.headers.authorization)).toEqual([
      'Bearer fake-token-1',
      'Bearer fake-token-1',
      'Bearer fake-token-2',
    ])
  })

  it('a second 401 in the same call is final: PROVIDER_UNAUTHORIZED', async () => {
    const { clock, vipps, epayment } = fakeVippsClients({ wrapFetch })
    vipps.replies.push({ status: 401, body: { statusCode: 401, message: 'Access denied' } })
    vipps.replies.push({ status: 401, body: { statusCode: 401, message: 'Access denied' } })
    const error = await failureOf(epayment.capturePayment(REF, capture), clock)
    expect(error).toMatchObject({ code: 'PROVIDER_UNAUTHORIZED', status: 401, retryable: false })
    expect(vipps.apiRequests).toHaveLength(2)
    expect(vipps.tokenRequests).toHaveLength(2)
  })

  it('refreshes only once per call, even when a later attempt meets another 401', async () => {
    const { clock, vipps, epayment } = fakeVippsClients({ wrapFetch })
    vipps.replies.push({ status: 401 }, { status: 503 }, { status: 401 })
    const error = await failureOf(epayment.capturePayment(REF, capture), clock)
    expect(error).toMatchObject({ code: 'PROVIDER_UNAUTHORIZED', status: 401 })
    expect(vipps.apiRequests).toHaveLength(3)
    expect(vipps.tokenRequests).toHaveLength(2)
  })

  it('does not retry a POST without a key unless nothing can have happened', async () => {
    const { clock, vipps, merchant } = fakeVippsClients({ wrapFetch })
    const request = { url: 'https://example.com/hook', events: ['epayments.payment.captured.v1'] }
    vipps.replies.push({ status: 500 })
    await failureOf(merchant.registerWebhook(request), clock)
    vipps.replies.push({ drop: 'after' })
    await failureOf(merchant.registerWebhook(request), clock)
    expect(vipps.apiRequests).toHaveLength(2)
    vipps.replies.push({ status: 429 }, { drop: 'before', code: 'ECONNREFUSED' }, { status: 201, body: { id: 'x' } })
    await runUntilSettled(clock, merchant.registerWebhook(request))
    expect(vipps.apiRequests).toHaveLength(5)
  })
})

describe('VippsHttp: time limits', () => {
  it('times out a slow attempt and retries it', async () => {
    const { clock, vipps, epayment } = fakeVippsClients({ wrapFetch })
    vipps.replies.push({ delayMs: 10_000, reply: okModification }, okModification)
    const outcome = await runUntilSettled(clock, epayment.capturePayment(REF, capture), { stepMs: 100 })
    expect(outcome.value).toEqual({ reference: REF })
    const [first, second] = vipps.apiRequests
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBe(2075)
  })

  it('gives up at the deadline with a retryable error, and health goes down', async () => {
    const { clock, vipps, epayment, clients } = fakeVippsClients({ wrapFetch, provider: { retries: 20 } })
    vipps.handler = () => ({ status: 503 })
    const states: string[] = []
    clients.health.onChange((state) => states.push(state))
    const started = clock.monotonic()
    const error = await failureOf(epayment.capturePayment(REF, capture, { deadlineMs: 10_000 }), clock)
    expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true, status: 503 })
    expect(vipps.apiRequests.at(-1)?.at).toBeLessThan(started + 10_000)
    expect(states).toEqual(['degraded', 'down'])
    vipps.handler = () => ({ status: 200, body: {} })
    await runUntilSettled(clock, epayment.getPayment(REF))
    expect(clients.health.state).toBe('ok')
  })

  it('stops after the configured number of retries', async () => {
    const { clock, vipps, epayment } = fakeVippsClients({ wrapFetch, provider: { retries: 2 } })
    vipps.handler = () => ({ status: 500 })
    await failureOf(epayment.getPayment(REF), clock)
    expect(vipps.apiRequests).toHaveLength(3)
  })

  it('ends at once when the caller aborts, with an error saying the outcome is unknown', async () => {
    const { clock, vipps, epayment, clients } = fakeVippsClients({ wrapFetch })
    vipps.handler = () => ({ delayMs: 60_000, reply: okModification })
    const controller = new AbortController()
    const pending = epayment.capturePayment(REF, capture, { signal: controller.signal })
    await clock.advance(500)
    controller.abort(new Error('shutting down'))
    const error = await failureOf(pending, clock)
    expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true })
    expect(error.message).toMatch(/aborted; outcome unknown/)
    expect(vipps.apiRequests).toHaveLength(1)
    // A shutdown says nothing about Vipps.
    expect(clients.health.state).toBe('ok')
  })

  it('cuts an attempt that would outlive the deadline', async () => {
    const { clock, vipps, epayment } = fakeVippsClients({ wrapFetch, provider: { attemptTimeoutMs: 60_000 } })
    vipps.handler = () => ({ delayMs: 60_000, reply: okModification })
    const pending = epayment.getPayment(REF, { deadlineMs: 3000 })
    const error = await failureOf(pending, clock)
    expect(error.message).toMatch(/deadline of 3000 ms exceeded/)
    expect(clock.monotonic()).toBeLessThanOrEqual(3050)
  })

  it('retries through a token outage, one token request per backoff step', async () => {
    const { clock, vipps, epayment } = fakeVippsClients({ wrapFetch })
    vipps.tokenReplies.push({ status: 503 }, { status: 503 }, { status: 503 })
    const outcome = await runUntilSettled(clock, epayment.getPayment(REF), { stepMs: 50 })
    expect(outcome.error).toBeUndefined()
    // Token backoff (random 0.5): 750, 1500, 3000 ms.
    expect(vipps.tokenRequests.map((r) => r.at)).toEqual([0, 750, 2250, 5250])
    expect(vipps.apiRequests).toHaveLength(1)
  })
})
