import { describe, expect, it } from 'vitest'
import { createSystemClock } from '../../../src/shared/clock.js'
import type { LoggedRequest } from '../../../src/simulator/request-log.js'
import type { GetPaymentResponse } from '../../../src/vipps/types.js'
import { type SimulatorHarness, useSimulator } from '../../helpers/simulator.js'

const REF = 'ref-00000001'

/** The outcome of one call as a word: a status, or "dropped" when the connection was closed. */
async function outcome(call: Promise<{ status: number }>): Promise<string> {
  try {
    return String((await call).status)
  } catch {
    return 'dropped'
  }
}

async function requests(h: SimulatorHarness): Promise<LoggedRequest[]> {
  return (await h.control<{ requests: LoggedRequest[] }>('GET', '/requests')).body.requests
}

describe('simulator: injected faults', () => {
  const sim = useSimulator()

  it('errorRate + errorStatus answers that status and does nothing', async () => {
    await sim().token()
    for (const errorStatus of [500, 502, 503, 423]) {
      await sim().control('POST', '/faults', { errorRate: 1, errorStatus })
      const res = await sim().createPayment()
      expect(res.status).toBe(errorStatus)
      expect(res.headers.get('content-type')).toBe('application/problem+json')
    }
    await sim().control('DELETE', '/faults')
    expect((await sim().control('GET', '/payments')).body).toEqual({ payments: [] })
    expect((await sim().createPayment()).status).toBe(201)
  })

  it('rateLimitRate answers 429 with Retry-After and does nothing', async () => {
    await sim().token()
    await sim().control('POST', '/faults', { rateLimitRate: 1, retryAfterSeconds: 7 })
    const res = await sim().createPayment()
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('7')
    await sim().control('DELETE', '/faults')
    expect((await sim().vipps('GET', `/epayment/v1/payments/${REF}`)).status).toBe(404)
  })

  it('dropBeforeRate closes the connection and does nothing', async () => {
    await sim().token()
    await sim().control('POST', '/faults', { dropBeforeRate: 1 })
    expect(await outcome(sim().createPayment())).toBe('dropped')
    await sim().control('DELETE', '/faults')
    expect((await sim().vipps('GET', `/epayment/v1/payments/${REF}`)).status).toBe(404)
    const log = await requests(sim())
    expect(log.find((r) => r.path === '/epayment/v1/payments')).toMatchObject({
      status: null,
      outcome: 'dropped-before',
    })
  })

  it('dropAfterRate does the operation, then closes without answering; the same key gets the answer', async () => {
    await sim().token()
    await sim().control('POST', '/faults', { dropAfterRate: 1 })
    expect(await outcome(sim().createPayment())).toBe('dropped')
    await sim().control('DELETE', '/faults')
    const payment = await sim().vipps<GetPaymentResponse>('GET', `/epayment/v1/payments/${REF}`)
    expect(payment.body.state).toBe('CREATED')
    const retry = await sim().createPayment()
    expect(retry.status).toBe(201)
    const ledger = await sim().control<{ payments: Array<{ operations: unknown[] }> }>('GET', '/payments')
    expect(ledger.body.payments[0]?.operations).toHaveLength(1)
  })

  it('tokenOutage makes /accesstoken/get answer 503 while a held token keeps working', async () => {
    await sim().token()
    await sim().control('POST', '/faults', { tokenOutage: true })
    const res = await sim().raw('POST', '/accesstoken/get', { headers: {} })
    expect(res.status).toBe(503)
    expect((await sim().createPayment()).status).toBe(201)
  })

  it('paths limits faults to matching prefixes or regular expressions', async () => {
    await sim().token()
    await sim().createPayment()
    await sim().control('POST', '/faults', {
      errorRate: 1,
      errorStatus: 503,
      paths: ['^/epayment/v1/payments/[^/]+/capture$'],
    })
    expect((await sim().vipps('GET', `/epayment/v1/payments/${REF}`)).status).toBe(200)
    const capture = await sim().vipps('POST', `/epayment/v1/payments/${REF}/capture`, {
      key: 'c1',
      body: { modificationAmount: { currency: 'NOK', value: 100 } },
    })
    expect(capture.status).toBe(503)
    const bad = await sim().control('POST', '/faults', { paths: ['^(broken'] })
    expect(bad.status).toBe(400)
  })

  it('never touches the control API, and refuses an unknown fault', async () => {
    await sim().control('POST', '/faults', { errorRate: 1, dropBeforeRate: 1 })
    expect((await sim().control('GET', '/payments')).status).toBe(200)
    expect((await sim().control('GET', '/faults')).body).toEqual({ errorRate: 1, dropBeforeRate: 1 })
    expect((await sim().control('POST', '/faults', { explode: true })).status).toBe(400)
    expect((await sim().control('POST', '/faults', { errorRate: 2 })).status).toBe(400)
  })

  it('a fixed seed gives the same sequence of outcomes', async () => {
    await sim().token()
    const faults = { errorRate: 0.25, errorStatus: 502, rateLimitRate: 0.2, dropBeforeRate: 0.15, dropAfterRate: 0.15 }
    const run = async (seed: number) => {
      await sim().control('POST', '/faults', { ...faults, seed })
      const outcomes: string[] = []
      for (let i = 0; i < 25; i++) {
        outcomes.push(await outcome(sim().vipps('GET', `/epayment/v1/payments/ref-0000${1000 + i}`)))
      }
      return outcomes
    }
    const first = await run(42)
    expect(await run(42)).toEqual(first)
    expect(await run(43)).not.toEqual(first)
    expect(new Set(first)).toEqual(new Set(['404', '502', '429', 'dropped']))
  })
})

describe('simulator: latency', () => {
  // Latency is real time on the injected clock, so this test runs on the system clock.
  const sim = useSimulator({ clock: createSystemClock() })

  it('latencyMs delays the answer', async () => {
    await sim().token()
    await sim().control('POST', '/faults', { latencyMs: 300 })
    const started = performance.now()
    expect((await sim().vipps('GET', `/epayment/v1/payments/${REF}`)).status).toBe(404)
    expect(performance.now() - started).toBeGreaterThanOrEqual(290)
  })
})
