import type { PaymentsApi } from '../payments/api.js'
import { FINAL_STATUSES } from '../payments/state-machine.js'
import type { CreatePaymentInput, Currency, Money, PaymentStatus, PaymentView } from '../payments/types.js'
import type { Clock } from '../shared/clock.js'
import type { Approver } from './approver.js'
import type { CallRecorder } from './recorder.js'

/** What a flow did not get: the report's "expected … Vipps answered …". */
export class FlowFailure extends Error {
  override name = 'FlowFailure'
  readonly expected: string
  readonly actual: string

  constructor(expected: string, actual: string) {
    super(`expected ${expected}; got ${actual}`)
    this.expected = expected
    this.actual = actual
  }
}

/** Everything a flow may use: the real engine (through its till API), the customer, the calls seen. */
export interface FlowKit {
  engine: PaymentsApi
  tillId: string
  /** Makes this run's keys unique, so certify can run again on the same journal. */
  runId: string
  phoneNumber: string
  currency: Currency
  approver: Approver
  recorder: CallRecorder
  clock: Clock
  /** The longest wait for one status. */
  waitMs: number
  poll: { firstDelayMs: number; intervalMs: number }
}

const LOOK_EVERY_MS = 25

export function money(kit: FlowKit, value: number): Money {
  return { value, currency: kit.currency }
}

/** Creates a sale through the engine; its key is `certify-<run>-<flow>`. */
export async function sell(kit: FlowKit, flow: string, input: Omit<CreatePaymentInput, 'key'>): Promise<string> {
  const key = `certify-${kit.runId}-${flow}`
  await kit.engine.create(kit.tillId, { ...input, key })
  return key
}

export function pushSale(kit: FlowKit, value: number, capture: 'auto' | 'manual'): Omit<CreatePaymentInput, 'key'> {
  return {
    amount: money(kit, value),
    flow: 'push',
    customer: { phoneNumber: kit.phoneNumber },
    capture,
    description: 'tillbridge certify',
  }
}

/**
 * Waits until the payment satisfies `want` (described as `expected`). A final status that does
 * not, or the time running out, fails the flow with what the payment and Vipps last said.
 */
export async function waitUntil(
  kit: FlowKit,
  key: string,
  expected: string,
  want: (p: PaymentView) => boolean,
): Promise<PaymentView> {
  const end = kit.clock.monotonic() + kit.waitMs
  for (;;) {
    const p = kit.engine.get(kit.tillId, key)
    if (want(p)) return p
    // Over for good: nothing a flow waits for can follow (a captured payment may still be refunded).
    if (FINAL_STATUSES.has(p.status) && p.status !== 'captured' && p.status !== 'refunded') {
      throw new FlowFailure(expected, describe(kit, p))
    }
    if (kit.clock.monotonic() >= end) {
      throw new FlowFailure(expected, `${describe(kit, p)} after ${Math.round(kit.waitMs / 1000)} s`)
    }
    await kit.clock.sleep(LOOK_EVERY_MS)
  }
}

export function reach(kit: FlowKit, key: string, status: PaymentStatus): Promise<PaymentView> {
  return waitUntil(kit, key, `status ${status}`, (p) => p.status === status)
}

/** The payment as the till sees it, and the last refusal Vipps gave for its reference. */
export function describe(kit: FlowKit, p: PaymentView): string {
  const amounts = `captured ${p.captured}, refunded ${p.refunded}, cancelled ${p.cancelled}`
  const failure = p.failure ? ` (${p.failure.code}: ${p.failure.message})` : ''
  const refused = kit.recorder.forReference(p.reference).filter((c) => c.refusal !== undefined)
  const last = refused.at(-1)
  const vipps = last ? `; Vipps answered ${last.method} ${last.path} → ${last.status ?? 'nothing'} ${last.refusal}` : ''
  return `status ${p.status}${failure}, ${amounts}${vipps}`
}

export function expectAmounts(
  p: PaymentView,
  want: Partial<Pick<PaymentView, 'captured' | 'refunded' | 'cancelled'>>,
  kit: FlowKit,
): void {
  for (const [field, value] of Object.entries(want) as Array<[keyof typeof want, number]>) {
    if (p[field] !== value) throw new FlowFailure(`${field} ${value}`, describe(kit, p))
  }
}
