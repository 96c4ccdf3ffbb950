import { describe, expect, it } from 'vitest'
import { createSilentLogger } from '../../../src/log/logger.js'
import { createSystemClock } from '../../../src/shared/clock.js'
import type { FaultSet } from '../../../src/simulator/faults.js'
import { modificationBody, type StoredRequest } from '../../../src/vipps/api.js'
import { singleUnitSetup, VippsClients } from '../../../src/vipps/clients.js'
import type { ModificationResponse } from '../../../src/vipps/types.js'
import { useConformingFetch } from '../../helpers/recording-fetch.js'
import { DEMO, pushPayment, type SimulatorHarness, useSimulator } from '../../helpers/simulator.js'
import { TEST_PROVIDER } from '../../helpers/vipps-fixture.js'

/**
 * The acceptance test of the Vipps client against the real simulator: for each fault and each
 * money-moving operation, the operation ends correct, the simulator's ledger shows it took effect
 * exactly once, and every attempt carried the same Idempotency-Key and the same bytes.
 *
 * Each fault hits only the first attempt(s) of the operation under test: a fetch wrapper moves
 * the simulator to the next fault set (or clears it) as soon as a faulted request has settled.
 */

const getSim = useSimulator({ rateLimitScale: 0 })
const conforming = useConformingFetch()
const AMOUNT = { currency: 'NOK' as const, value: 12550 }
/** The simulator runs on a ManualClock: a request held by latency goes on when that clock moves this far. */
const LATENCY_MS = 5000

interface Case {
  name: string
  /** Applied one per faulted request to the target path; then the faults are cleared. */
  steps: FaultSet[]
  /** Faults on the token endpoint instead of the operation's path. */
  onToken?: boolean
}

const CASES: Case[] = [
  { name: 'drop before', steps: [{ dropBeforeRate: 1 }] },
  { name: 'drop after', steps: [{ dropAfterRate: 1 }] },
  {
    name: '500, 502, 503',
    steps: [500, 502, 503].map((errorStatus) => ({ errorRate: 1, errorStatus }) as FaultSet),
  },
  { name: '423', steps: [{ errorRate: 1, errorStatus: 423 }] },
  { name: '429 with Retry-After', steps: [{ rateLimitRate: 1, retryAfterSeconds: 1 }] },
  { name: 'latency beyond the attempt timeout', steps: [{ latencyMs: LATENCY_MS }] },
  { name: 'token outage', steps: [{ tokenOutage: true }, { tokenOutage: true }], onToken: true },
]

interface Operation {
  kind: 'create' | 'capture' | 'refund' | 'cancel'
  /** Brings the payment to where the operation applies, without the client under test. */
  prepare(sim: SimulatorHarness, reference: string): Promise<void>
  request(reference: string): StoredRequest
  path(reference: string): string
  call(c: Client, reference: string, request: StoredRequest): Promise<unknown>
  /** What the answer and the ledger must show afterwards. */
  expected: { state: string; captured: number; refunded: number; cancelled: number }
}

async function authorize(sim: SimulatorHarness, reference: string): Promise<void> {
  expect((await sim.createPayment({ reference }, `${reference}-setup`)).status).toBe(201)
  expect((await sim.control('POST', `/payments/${reference}/approve`)).status).toBe(200)
}

const OPERATIONS: Operation[] = [
  {
    kind: 'create',
    prepare: async () => {},
    request: (reference) => ({ idempotencyKey: `${reference}-c`, body: JSON.stringify(pushPayment({ reference })) }),
    path: () => '/epayment/v1/payments',
    call: (c, _reference, request) => c.epayment.createPayment(request),
    expected: { state: 'CREATED', captured: 0, refunded: 0, cancelled: 0 },
  },
  {
    kind: 'capture',
    prepare: authorize,
    request: (reference) => ({ idempotencyKey: `${reference}-cap1`, body: modificationBody.capture(AMOUNT) }),
    path: (reference) => `/epayment/v1/payments/${reference}/capture`,
    call: (c, reference, request) => c.epayment.capturePayment(reference, request),
    expected: { state: 'AUTHORIZED', captured: AMOUNT.value, refunded: 0, cancelled: 0 },
  },
  {
    kind: 'refund',
    prepare: async (sim, reference) => {
      await authorize(sim, reference)
      const capture = await sim.vipps('POST', `/epayment/v1/payments/${reference}/capture`, {
        key: `${reference}-setup-cap`,
        body: { modificationAmount: AMOUNT },
      })
      expect(capture.status).toBe(200)
    },
    request: (reference) => ({ idempotencyKey: `${reference}-r1`, body: modificationBody.refund(AMOUNT) }),
    path: (reference) => `/epayment/v1/payments/${reference}/refund`,
    call: (c, reference, request) => c.epayment.refundPayment(reference, request),
    expected: { state: 'AUTHORIZED', captured: AMOUNT.value, refunded: AMOUNT.value, cancelled: 0 },
  },
  {
    kind: 'cancel',
    prepare: async (sim, reference) => {
      expect((await sim.createPayment({ reference }, `${reference}-setup`)).status).toBe(201)
    },
    request: (reference) => ({ idempotencyKey: `${reference}-x`, body: modificationBody.cancel(true) }),
    path: (reference) => `/epayment/v1/payments/${reference}/cancel`,
    call: (c, reference, request) => c.epayment.cancelPayment(reference, request),
    expected: { state: 'TERMINATED', captured: 0, refunded: 0, cancelled: AMOUNT.value },
  },
]

type Client = ReturnType<typeof client>

/** A fresh client (no token yet) whose fetch records, checks conformance and advances the fault script. */
function client(sim: SimulatorHarness, targetPath: string, steps: FaultSet[]) {
  const remaining = [...steps]
  const scripted: typeof globalThis.fetch = async (input, init) => {
    const faulted = new URL(String(input)).pathname === targetPath && remaining.length > 0
    try {
      return await globalThis.fetch(input, init)
    } finally {
      if (faulted) {
        remaining.shift()
        const next = remaining[0]
        if (next) await sim.control('POST', '/faults', { ...next, paths: [targetPath] })
        else await sim.control('DELETE', '/faults')
      }
    }
  }
  const recorder = conforming(scripted)
  const clients = new VippsClients({
    setup: singleUnitSetup('simulator', DEMO),
    provider: {
      ...TEST_PROVIDER,
      attemptTimeoutMs: 300,
      deadlineMs: 10_000,
      minRetryDelayMs: 20,
      maxRetryDelayMs: 200,
    },
    baseUrl: () => sim.baseUrl,
    fetch: recorder.fetch,
    clock: createSystemClock(),
    log: createSilentLogger(),
    tokenBackoff: { minDelayMs: 50, maxDelayMs: 200 },
  })
  return { recorder, epayment: clients.epayment(DEMO.msn), remaining }
}

interface LedgerEntry {
  state: string
  aggregate: Record<'capturedAmount' | 'refundedAmount' | 'cancelledAmount', { value: number }>
  operations: Array<{ kind: string; idempotencyKey: string | null }>
}

async function ledgerEntry(sim: SimulatorHarness, reference: string): Promise<LedgerEntry> {
  const answer = await sim.control<{ payments: LedgerEntry[] }>('GET', `/payments?reference=${reference}`)
  const [entry] = answer.body.payments
  if (!entry) throw new Error(`no payment ${reference} in the ledger`)
  return entry
}

/** Lets a request held by simulated latency go on, and waits until the simulator has logged it. */
async function releaseHeld(sim: SimulatorHarness, path: string, expected: number): Promise<void> {
  // Latency is waited on the simulator's base clock (real time in the daemon), not its own.
  await sim.clock.advance(LATENCY_MS)
  for (let i = 0; i < 200; i++) {
    const log = await sim.control<{ requests: Array<{ path: string }> }>('GET', '/requests')
    if (log.body.requests.filter((r) => r.path === path).length >= expected) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error('the held request never finished')
}

let counter = 0

describe.each(OPERATIONS)('$kind against the simulator', (operation) => {
  it.each(CASES)('survives $name: done exactly once, one key, one body', async ({ name, steps, onToken }) => {
    const sim = getSim()
    counter += 1
    const reference = `flt-${operation.kind}-${counter}`
    await operation.prepare(sim, reference)
    const path = operation.path(reference)
    const target = onToken ? '/accesstoken/get' : path
    const c = client(sim, target, steps)
    const [first] = steps
    if (first) await sim.control('POST', '/faults', { ...first, paths: [target] })
    const request = operation.request(reference)
    const started = performance.now()

    const answer = await operation.call(c, reference, request)

    expect(c.remaining, `every scripted fault was met (${name})`).toEqual([])
    const attempts = c.recorder.sent.filter((r) => r.headers['idempotency-key'] === request.idempotencyKey)
    expect(attempts).toHaveLength(onToken ? 1 : steps.length + 1)
    expect(new Set(attempts.map((a) => a.body))).toEqual(new Set([request.body]))
    expect(new Set(attempts.map((a) => a.path))).toEqual(new Set([path]))
    if (onToken) expect(c.recorder.sent.filter((r) => r.path === '/accesstoken/get')).toHaveLength(3)
    if (steps[0]?.rateLimitRate) expect(performance.now() - started).toBeGreaterThanOrEqual(1000)
    if (steps[0]?.latencyMs) await releaseHeld(sim, path, attempts.length)

    const entry = await ledgerEntry(sim, reference)
    expect(entry.operations.filter((o) => o.idempotencyKey === request.idempotencyKey)).toEqual([
      expect.objectContaining({ kind: operation.kind }),
    ])
    const { expected } = operation
    expect({
      state: entry.state,
      captured: entry.aggregate.capturedAmount.value,
      refunded: entry.aggregate.refundedAmount.value,
      cancelled: entry.aggregate.cancelledAmount.value,
    }).toEqual(expected)
    if (operation.kind === 'create') expect(answer).toMatchObject({ reference })
    else expect((answer as ModificationResponse).aggregate.capturedAmount.value).toBe(expected.captured)
  })
})
