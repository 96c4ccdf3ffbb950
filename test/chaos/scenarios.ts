import type { CreatePaymentInput, Money, Payment, PaymentResult, PaymentStatus } from '../../src/client/index.js'
import type { Prng } from '../../src/simulator/prng.js'
import { newRequest, type PaymentRecord } from './records.js'

/**
 * The sales a chaos till makes. The simulator's customer acts on the phone number's last digit
 * (1 approves, 2 rejects, 3 never acts, 4 does not exist, 5 approves after 25 s); QR payments are
 * scanned by the simulator after a moment. Each scenario asks for a payment and then, maybe, for a
 * capture, a cancel or refunds; left alone, every one ends final by itself.
 */

/** What a scenario may do with its sale; requests return undefined when no answer came. */
export interface Sale {
  record: PaymentRecord
  /** Sends until answered (retryable failures go again, the same request), refused or crashed. */
  capture(amount: number): Promise<PaymentResult | undefined>
  cancel(): Promise<PaymentResult | undefined>
  refund(refundKey: string, amount: number): Promise<PaymentResult | undefined>
  /** The payment once it reaches one of `statuses`; undefined if it ended otherwise or took too long. */
  reaches(statuses: PaymentStatus[], timeoutMs?: number): Promise<Payment | undefined>
}

interface Scenario {
  weight: number
  create(key: string, amount: number): CreatePaymentInput
  next?(sale: Sale, rng: Prng): Promise<void>
}

const nok = (value: number): Money => ({ value, currency: 'NOK' })

function push(key: string, amount: number, lastDigit: number, capture: 'auto' | 'manual'): CreatePaymentInput {
  const phoneNumber = `479${String(amount).padStart(6, '0')}${lastDigit}`
  return { key, amount: nok(amount), flow: 'push', customer: { phoneNumber }, capture }
}

function qr(key: string, amount: number, capture: 'auto' | 'manual'): CreatePaymentInput {
  return { key, amount: nok(amount), flow: 'qr', capture }
}

export const SCENARIOS: Record<string, Scenario> = {
  paid: { weight: 3, create: (k, a) => push(k, a, 1, 'auto') },
  paidThenRefunded: {
    weight: 2,
    create: (k, a) => push(k, a, 1, 'auto'),
    async next(sale, rng) {
      const paid = await sale.reaches(['captured'])
      if (!paid) return
      // In one go, or in two parts (a returned item, then the rest).
      const part = rng.next() < 0.5 ? paid.captured : Math.max(1, Math.floor(paid.captured / 3))
      await sale.refund(`${paid.key}-r1`, part)
      await sale.refund(`${paid.key}-r2`, paid.captured - part)
    },
  },
  declined: { weight: 1, create: (k, a) => push(k, a, 2, 'auto') },
  walksAway: { weight: 1, create: (k, a) => push(k, a, 3, 'auto') },
  unknownCustomer: { weight: 1, create: (k, a) => push(k, a, 4, 'auto') },
  slowCustomer: { weight: 1, create: (k, a) => push(k, a, 5, 'auto') },
  qrScanned: { weight: 1, create: (k, a) => qr(k, a, 'auto') },
  vendPartly: {
    weight: 2,
    create: (k, a) => push(k, a, 1, 'manual'),
    async next(sale) {
      const reserved = await sale.reaches(['authorized'])
      if (reserved) await sale.capture(reserved.amount.value - 150)
    },
  },
  vendWhole: {
    weight: 1,
    create: (k, a) => qr(k, a, 'manual'),
    async next(sale) {
      const reserved = await sale.reaches(['authorized'])
      if (reserved) await sale.capture(reserved.amount.value)
    },
  },
  vendAbandoned: { weight: 1, create: (k, a) => push(k, a, 1, 'manual') },
  cashierCancels: {
    weight: 2,
    create: (k, a) => push(k, a, 1, 'auto'),
    async next(sale) {
      await sale.cancel()
    },
  },
  reservationReleased: {
    weight: 1,
    create: (k, a) => push(k, a, 1, 'manual'),
    async next(sale) {
      if (await sale.reaches(['authorized'])) await sale.cancel()
    },
  },
}

/** A scenario name, drawn by weight. */
export function pickScenario(rng: Prng): string {
  const entries = Object.entries(SCENARIOS)
  let n = rng.next() * entries.reduce((sum, [, s]) => sum + s.weight, 0)
  for (const [name, s] of entries) {
    n -= s.weight
    if (n < 0) return name
  }
  return 'paid'
}

/** A fresh record for a sale about to be asked for. */
export function newSale(tillId: string, key: string, scenario: string, amount: number): PaymentRecord {
  return { tillId, key, scenario, amount, create: newRequest(), refunds: new Map(), abandoned: false }
}

/** The create request of a scenario. */
export function createInput(scenario: string, key: string, amount: number): CreatePaymentInput {
  return (SCENARIOS[scenario] ?? SCENARIOS.paid!).create(key, amount)
}

export async function continueSale(scenario: string, sale: Sale, rng: Prng): Promise<void> {
  await SCENARIOS[scenario]?.next?.(sale, rng)
}
