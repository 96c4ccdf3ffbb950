import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSilentLogger } from '../../../src/log/logger.js'
import { createSystemClock } from '../../../src/shared/clock.js'
import { modificationBody, type StoredRequest } from '../../../src/vipps/api.js'
import { singleUnitSetup, VippsClients } from '../../../src/vipps/clients.js'
import { type Fault, LoopbackVipps } from '../../helpers/loopback-vipps.js'
import { useConformingFetch } from '../../helpers/recording-fetch.js'
import { TEST_CREDENTIALS, TEST_MSN, TEST_PROVIDER } from '../../helpers/vipps-fixture.js'

/**
 * Real sockets on 127.0.0.1, real fetch (undici), the system clock: each fault, each
 * money-moving operation. The operation must end correct, the server's ledger must show it took
 * effect exactly once, and every attempt must have carried the same key and the same bytes.
 */

const server = new LoopbackVipps()
let baseUrl = ''
beforeAll(async () => {
  baseUrl = await server.start()
})
afterAll(() => server.stop())

const conforming = useConformingFetch()

function client() {
  const recorder = conforming(globalThis.fetch)
  const clients = new VippsClients({
    setup: singleUnitSetup('store', { ...TEST_CREDENTIALS, msn: TEST_MSN }),
    provider: { ...TEST_PROVIDER, attemptTimeoutMs: 300, deadlineMs: 8000, minRetryDelayMs: 20, maxRetryDelayMs: 200 },
    baseUrl: () => baseUrl,
    fetch: recorder.fetch,
    clock: createSystemClock(),
    log: createSilentLogger(),
    tokenBackoff: { minDelayMs: 50, maxDelayMs: 200 },
  })
  return { recorder, epayment: clients.epayment(TEST_MSN) }
}

const amount = { currency: 'NOK' as const, value: 1500 }
type Operation = {
  name: string
  run: (ref: string) => { request: StoredRequest; call: (c: ReturnType<typeof client>) => Promise<unknown> }
}

const operations: Operation[] = [
  {
    name: 'create',
    run: (ref) => {
      const request = {
        idempotencyKey: `${ref}-c`,
        body: JSON.stringify({
          amount,
          paymentMethod: { type: 'WALLET' },
          reference: ref,
          userFlow: 'PUSH_MESSAGE',
          customer: { phoneNumber: '4791234567' },
          customerInteraction: 'CUSTOMER_PRESENT',
        }),
      }
      return { request, call: (c) => c.epayment.createPayment(request) }
    },
  },
  {
    name: 'capture',
    run: (ref) => {
      const request = { idempotencyKey: `${ref}-cap1`, body: modificationBody.capture(amount) }
      return { request, call: (c) => c.epayment.capturePayment(ref, request) }
    },
  },
  {
    name: 'refund',
    run: (ref) => {
      const request = { idempotencyKey: `${ref}-r1`, body: modificationBody.refund(amount) }
      return { request, call: (c) => c.epayment.refundPayment(ref, request) }
    },
  },
  {
    name: 'cancel',
    run: (ref) => {
      const request = { idempotencyKey: `${ref}-x`, body: modificationBody.cancel(true) }
      return { request, call: (c) => c.epayment.cancelPayment(ref, request) }
    },
  },
]

const faults: Array<[string, Fault[], Fault[]]> = [
  ['drop before', [{ kind: 'drop-before' }], []],
  ['drop after', [{ kind: 'drop-after' }], []],
  ['500, 502, 503', [500, 502, 503].map((status) => ({ kind: 'status' as const, status })), []],
  ['423', [{ kind: 'status', status: 423 }], []],
  ['latency beyond the attempt timeout', [{ kind: 'latency', ms: 600 }], []],
  ['token outage', [], [503, 503].map((status) => ({ kind: 'status' as const, status }))],
]

let counter = 0

describe.each(operations)('$name over real sockets', (operation) => {
  it.each(faults)('survives %s: one effect, one key, one body', async (_name, apiFaults, tokenFaults) => {
    counter += 1
    const reference = `loop-${operation.name}-${counter}`
    const c = client()
    const { request, call } = operation.run(reference)
    server.faults.push(...apiFaults)
    server.tokenFaults.push(...tokenFaults)

    await expect(call(c)).resolves.toEqual({ reference })

    expect(server.ledger.filter((e) => e.key === request.idempotencyKey)).toHaveLength(1)
    const attempts = c.recorder.sent.filter((r) => r.headers['idempotency-key'] === request.idempotencyKey)
    expect(attempts.length).toBe(apiFaults.length > 0 ? apiFaults.length + 1 : 1)
    expect(new Set(attempts.map((a) => a.body))).toEqual(new Set([request.body]))
    expect(c.recorder.keyedOperations().size).toBe(1)
    expect(server.faults).toHaveLength(0)
    expect(server.tokenFaults).toHaveLength(0)
  })
})

describe('429 with Retry-After over real sockets', () => {
  it('waits as long as Vipps asks, then the capture happens once', async () => {
    const c = client()
    const reference = 'loop-retry-after-1'
    const request = { idempotencyKey: `${reference}-cap1`, body: modificationBody.capture(amount) }
    server.faults.push({ kind: 'status', status: 429, retryAfter: '1' })
    await expect(c.epayment.capturePayment(reference, request)).resolves.toEqual({ reference })
    const arrivals = server.arrivals.filter((a) => a.key === request.idempotencyKey)
    expect(arrivals).toHaveLength(2)
    expect((arrivals[1]?.at ?? 0) - (arrivals[0]?.at ?? 0)).toBeGreaterThanOrEqual(990)
    expect(server.ledger.filter((e) => e.key === request.idempotencyKey)).toHaveLength(1)
  })
})
