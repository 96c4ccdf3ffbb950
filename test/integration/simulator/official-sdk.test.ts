import { Client } from '@vippsmobilepay/sdk'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { DEMO, useSimulator } from '../../helpers/simulator.js'

/**
 * The official SDK as a foreign client, end to end against the simulator.
 *
 * Why the fetch stub: the SDK (2.4.2, src/base_client_helper.ts) hard-codes its base URL from
 * `useTestMode` (`https://apitest.vipps.no` or `https://api.vipps.no`) and calls the global
 * `fetch(request)` (src/fetch.ts); it takes neither a base URL nor a fetch. So for this test
 * only, the global fetch is replaced by one that sends apitest.vipps.no requests to the
 * simulator instead, unchanged otherwise, and it is restored after the test.
 */
describe('simulator driven by @vippsmobilepay/sdk', () => {
  const sim = useSimulator()
  const realFetch = globalThis.fetch

  afterEach(() => {
    vi.unstubAllGlobals()
  })

  function pointSdkAtSimulator(): void {
    const target = sim().baseUrl
    vi.stubGlobal('fetch', async (input: Request | string | URL, init?: RequestInit) => {
      const request = new Request(input, init)
      const url = new URL(request.url)
      if (url.origin !== 'https://apitest.vipps.no') throw new Error(`unexpected SDK request to ${url.origin}`)
      const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.arrayBuffer()
      return realFetch(`${target}${url.pathname}${url.search}`, {
        method: request.method,
        headers: request.headers,
        ...(body && body.byteLength > 0 ? { body } : {}),
      })
    })
  }

  it('token, push payment, force approve, info AUTHORIZED, capture, refund; cancel of another → TERMINATED', async () => {
    pointSdkAtSimulator()
    const client = Client({
      merchantSerialNumber: DEMO.msn,
      subscriptionKey: DEMO.subscriptionKey,
      useTestMode: true,
      retryRequests: false,
      systemName: 'tillbridge-tests',
    })
    const token = await client.auth.getToken(DEMO.clientId, DEMO.clientSecret)
    if (!token.ok) throw new Error(`getToken failed: ${JSON.stringify(token.error)}`)
    const accessToken = token.data.access_token

    const customer = { phoneNumber: '4791234560' }
    const body = {
      amount: { currency: 'NOK' as const, value: 12550 },
      paymentMethod: { type: 'WALLET' as const },
      customer,
      reference: 'sdk-ref-00000001',
      userFlow: 'PUSH_MESSAGE' as const,
      customerInteraction: 'CUSTOMER_PRESENT' as const,
      paymentDescription: 'SDK end to end',
    }
    const created = await client.payment.create(accessToken, body)
    expect(created).toEqual({ ok: true, data: { reference: 'sdk-ref-00000001' } })

    expect((await client.payment.forceApprove(accessToken, 'sdk-ref-00000001', { customer })).ok).toBe(true)
    const info = await client.payment.info(accessToken, 'sdk-ref-00000001')
    if (!info.ok) throw new Error('info failed')
    expect(info.data.state).toBe('AUTHORIZED')

    const amount = { currency: 'NOK' as const, value: 12550 }
    const captured = await client.payment.capture(accessToken, 'sdk-ref-00000001', { modificationAmount: amount })
    if (!captured.ok) throw new Error(`capture failed: ${JSON.stringify(captured.error)}`)
    expect(captured.data.aggregate.capturedAmount).toEqual(amount)
    const refund = { currency: 'NOK' as const, value: 2550 }
    const refunded = await client.payment.refund(accessToken, 'sdk-ref-00000001', { modificationAmount: refund })
    if (!refunded.ok) throw new Error(`refund failed: ${JSON.stringify(refunded.error)}`)
    expect(refunded.data.aggregate.refundedAmount).toEqual(refund)
    const history = await client.payment.history(accessToken, 'sdk-ref-00000001')
    if (!history.ok) throw new Error('history failed')
    expect(history.data.map((e) => e.name)).toEqual(['CREATED', 'AUTHORIZED', 'CAPTURED', 'REFUNDED'])

    await client.payment.create(accessToken, { ...body, reference: 'sdk-ref-00000002' })
    const cancelled = await client.payment.cancel(accessToken, 'sdk-ref-00000002')
    if (!cancelled.ok) throw new Error(`cancel failed: ${JSON.stringify(cancelled.error)}`)
    expect(cancelled.data.state).toBe('TERMINATED')

    // The SDK sends a fresh random Idempotency-Key on every call (vippsas/deno-sdk#77).
    const keys = sim()
      .exchanges.map((e) => e.requestHeaders['idempotency-key'])
      .filter(Boolean)
    expect(new Set(keys).size).toBe(keys.length)
  })

  it('gets the refusal as the SDK parses it: a problem with the Vipps code', async () => {
    pointSdkAtSimulator()
    const client = Client({ merchantSerialNumber: DEMO.msn, subscriptionKey: DEMO.subscriptionKey, useTestMode: true })
    const token = await client.auth.getToken(DEMO.clientId, 'wrong-secret')
    expect(token.ok).toBe(false)
    const good = await client.auth.getToken(DEMO.clientId, DEMO.clientSecret)
    if (!good.ok) throw new Error('getToken failed')
    const res = await client.payment.capture(good.data.access_token, 'sdk-ref-missing1', {
      modificationAmount: { currency: 'NOK', value: 100 },
    })
    expect(res.ok).toBe(false)
    expect(JSON.stringify(res)).toContain('5090')
  })
})
