import { afterEach, beforeEach, expect } from 'vitest'
import { createSilentLogger } from '../../src/log/logger.js'
import { ManualClock } from '../../src/shared/manual-clock.js'
import { SIMULATOR_DEMO_CREDENTIALS } from '../../src/simulator/demo.js'
import type { SimulatorOptions } from '../../src/simulator/options.js'
import type { ProblemBody } from '../../src/simulator/problem.js'
import type { Exchange } from '../../src/simulator/request-log.js'
import { Simulator } from '../../src/simulator/simulator.js'
import type { AccessTokenResponse, CreatePaymentResponse } from '../../src/vipps/types.js'
import { noteConformanceSkipped } from './conformance.js'
import { openApiOracle, specAvailable } from './openapi.js'

export const DEMO = SIMULATOR_DEMO_CREDENTIALS

export interface SimCall<T = unknown> {
  status: number
  headers: Headers
  /** Parsed JSON (typed by the caller), or the text when it is not JSON; undefined when empty. */
  body: T
  text: string
}

export interface CallOptions {
  body?: unknown
  /** Idempotency-Key header. */
  key?: string
  /** Extra headers; `undefined` removes a default one. */
  headers?: Record<string, string | undefined>
}

/**
 * The real simulator in-process on 127.0.0.1:0, on a ManualClock (time moves only through
 * `advance` or POST /_sim/clock), recording every exchange on a Vipps path for the conformance check.
 */
export class SimulatorHarness {
  readonly clock = new ManualClock()
  readonly exchanges: Exchange[] = []
  readonly sim: Simulator
  #token: string | undefined

  constructor(options: Partial<SimulatorOptions> = {}) {
    this.sim = new Simulator({
      clock: this.clock,
      log: createSilentLogger(),
      onExchange: (e) => this.exchanges.push(e),
      ...options,
    })
  }

  get baseUrl(): string {
    return this.sim.baseUrl
  }

  /** Moves simulator time forward, firing customer, expiry and token timers. */
  advance(ms: number): void {
    this.sim.clock.advance(ms)
  }

  async token(): Promise<string> {
    if (this.#token) return this.#token
    const res = await this.raw<AccessTokenResponse>('POST', '/accesstoken/get', {
      headers: {
        client_id: DEMO.clientId,
        client_secret: DEMO.clientSecret,
        'ocp-apim-subscription-key': DEMO.subscriptionKey,
      },
    })
    if (res.status !== 200) throw new Error(`token: ${res.status} ${res.text}`)
    this.#token = res.body.access_token
    return this.#token
  }

  /** A Vipps call with the demo keys, a fresh token and the demo MSN unless overridden. */
  async vipps<T = unknown>(method: string, path: string, options: CallOptions = {}): Promise<SimCall<T>> {
    const defaults: Record<string, string | undefined> = {
      authorization: `Bearer ${await this.token()}`,
      'ocp-apim-subscription-key': DEMO.subscriptionKey,
      'merchant-serial-number': DEMO.msn,
      ...(options.key === undefined ? {} : { 'idempotency-key': options.key }),
    }
    return this.raw<T>(method, path, { ...options, headers: { ...defaults, ...options.headers } })
  }

  /** A call with exactly the headers given (plus Content-Type for a body). */
  async raw<T = unknown>(method: string, path: string, options: CallOptions = {}): Promise<SimCall<T>> {
    const headers: Record<string, string> = {}
    const body =
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body)
    if (body !== undefined) headers['content-type'] = 'application/json'
    for (const [k, v] of Object.entries(options.headers ?? {})) {
      if (v === undefined) delete headers[k]
      else headers[k] = v
    }
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body }) })
    const text = await res.text()
    return { status: res.status, headers: res.headers, body: parse(text) as T, text }
  }

  /** The control API. */
  control<T = unknown>(method: string, path: string, body?: unknown): Promise<SimCall<T>> {
    return this.raw<T>(method, `/_sim${path}`, body === undefined ? {} : { body })
  }

  /** POST /epayment/v1/payments with an in-store push payment, overridable. */
  createPayment(
    overrides: Record<string, unknown> = {},
    key = `create-${String(overrides.reference ?? 'ref-00000001')}`,
  ) {
    return this.vipps<CreatePaymentResponse>('POST', '/epayment/v1/payments', { key, body: pushPayment(overrides) })
  }
}

/** A valid in-store push payment of 125.50 NOK to a customer who waits (last digit 0). */
export function pushPayment(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    amount: { currency: 'NOK', value: 12550 },
    paymentMethod: { type: 'WALLET' },
    reference: 'ref-00000001',
    userFlow: 'PUSH_MESSAGE',
    customer: { phoneNumber: '4791234560' },
    customerInteraction: 'CUSTOMER_PRESENT',
    paymentDescription: 'Till 1 sale',
    ...overrides,
  }
}

/** The numeric Vipps code of a problem answer (extraDetails ErrorCode), if any. */
export function vippsCode(call: SimCall): string | undefined {
  const details = (call.body as ProblemBody | undefined)?.extraDetails ?? []
  return details.find((d) => d.name === 'ErrorCode')?.reason
}

function parse(text: string): unknown {
  if (text === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/**
 * Every recorded answer checked against the official spec for its path, method and status.
 * Paths outside the specs (a deliberate 404 for an unknown path) have no schema to check.
 */
export function conformanceProblems(exchanges: readonly Exchange[]): string[] {
  const oracle = openApiOracle()
  return exchanges.flatMap((e) =>
    oracle.findOperation(e.method, e.path)
      ? oracle.validateResponse(
          { method: e.method, path: e.path },
          { status: e.status, contentType: e.contentType, body: e.responseText },
        )
      : [],
  )
}

/**
 * A fresh simulator per test; after each test it is stopped and every answer it gave is
 * validated against the official OpenAPI files (skipped and counted when they are missing).
 */
export function useSimulator(options: Partial<SimulatorOptions> = {}): () => SimulatorHarness {
  let harness: SimulatorHarness | undefined
  beforeEach(async () => {
    harness = new SimulatorHarness(options)
    await harness.sim.start()
  })
  afterEach(async (ctx) => {
    const done = harness
    harness = undefined
    if (!done) return
    await done.sim.stop()
    if (specAvailable()) expect(conformanceProblems(done.exchanges)).toEqual([])
    else if (done.exchanges.length > 0)
      noteConformanceSkipped(`${ctx.task.name}: ${done.exchanges.length} answer(s) not checked`)
  })
  return () => {
    if (!harness) throw new Error('useSimulator: only inside a test')
    return harness
  }
}
