import { type Money, type Payment, type TillClient, TillClientError } from '../../src/client/index.js'
import type { Prng } from '../../src/simulator/prng.js'

/** What one till asked for and was answered: the ground truth the crash test checks against. */
export interface TillRecord {
  tillId: string
  /** key → the payment as first answered (its reference) and what was asked of it. */
  payments: Map<string, Asked>
  /** Every event seq the till processed, in the order it processed them. */
  seqs: number[]
  /** Scenario names, in order (for the failure message). */
  scenarios: string[]
}

export interface Asked {
  reference: string
  scenario: string
  /** Capture amounts the daemon answered (replays collapse into one). */
  capture?: number
  cancelled?: boolean
  /** refundKey → amount, each answered. */
  refunds: Map<string, number>
}

const FINAL = ['captured', 'cancelled', 'declined', 'expired', 'failed', 'refunded'] as const

/**
 * Sends a request until the daemon answers it: retryable failures (the daemon was killed, is
 * restarting, or timed out) go again, the same request under the same key, as a till must.
 * Returns the result, or the daemon's non-retryable error.
 */
async function answered<T>(send: () => Promise<T>): Promise<T | TillClientError> {
  for (;;) {
    try {
      return await send()
    } catch (err) {
      if (!(err instanceof TillClientError)) throw err
      if (!err.retryable) return err
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
}

/** Waits for one of `statuses`; false if the payment ended otherwise or it took too long. */
async function reaches(client: TillClient, key: string, statuses: Payment['status'][], ms: number): Promise<boolean> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    const r = await answered(() => client.getPayment(key))
    if (r instanceof TillClientError) return false
    if (statuses.includes(r.payment.status)) return true
    if ((FINAL as readonly string[]).includes(r.payment.status)) return false
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return false
}

type Scenario = (c: TillClient, key: string, rng: Prng, asked: Asked) => Promise<void>

const nok = (value: number): Money => ({ value, currency: 'NOK' })

/** Each scenario asks for a payment and then, maybe, for more; every one ends final by itself. */
const SCENARIOS: Record<string, { weight: number; create: (key: string, amount: number) => object; next: Scenario }> = {
  paidAndRefunded: {
    weight: 3,
    create: (key, amount) => push(key, amount, '1', 'auto'),
    next: async (c, key, rng, asked) => {
      if (rng.next() < 0.5 || !(await reaches(c, key, ['captured'], 8000))) return
      const r = await answered(() => c.getPayment(key))
      if (r instanceof TillClientError) return
      const half = Math.floor(r.payment.captured / 2)
      await refund(c, key, asked, `${key}-r1`, half)
      await refund(c, key, asked, `${key}-r2`, r.payment.captured - half)
    },
  },
  declined: { weight: 1, create: (key, amount) => push(key, amount, '2', 'auto'), next: async () => {} },
  unknownCustomer: { weight: 1, create: (key, amount) => push(key, amount, '4', 'auto'), next: async () => {} },
  qrPaid: { weight: 1, create: (key, amount) => qr(key, amount, 'auto'), next: async () => {} },
  vendPartly: {
    weight: 2,
    create: (key, amount) => push(key, amount, '1', 'manual'),
    next: async (c, key, _rng, asked) => {
      if (!(await reaches(c, key, ['authorized'], 8000))) return
      const r = await answered(() => c.getPayment(key))
      if (r instanceof TillClientError) return
      await capture(c, key, asked, r.payment.amount.value - 150)
    },
  },
  vendWhole: {
    weight: 1,
    create: (key, amount) => qr(key, amount, 'manual'),
    next: async (c, key, _rng, asked) => {
      if (!(await reaches(c, key, ['authorized'], 8000))) return
      const r = await answered(() => c.getPayment(key))
      if (r instanceof TillClientError) return
      await capture(c, key, asked, r.payment.amount.value)
    },
  },
  walkAway: { weight: 1, create: (key, amount) => push(key, amount, '1', 'manual'), next: async () => {} },
  cashierAbort: {
    weight: 2,
    create: (key, amount) => push(key, amount, '1', 'auto'),
    next: async (c, key, _rng, asked) => cancel(c, key, asked),
  },
  releaseReservation: {
    weight: 1,
    create: (key, amount) => push(key, amount, '1', 'manual'),
    next: async (c, key, _rng, asked) => {
      if (await reaches(c, key, ['authorized'], 8000)) await cancel(c, key, asked)
    },
  },
}

function push(key: string, amount: number, lastDigit: string, capture: 'auto' | 'manual') {
  return {
    key,
    amount: nok(amount),
    flow: 'push',
    customer: { phoneNumber: `479${String(amount).padStart(6, '0')}${lastDigit}` },
    capture,
  }
}

function qr(key: string, amount: number, capture: 'auto' | 'manual') {
  return { key, amount: nok(amount), flow: 'qr', capture }
}

async function capture(c: TillClient, key: string, asked: Asked, amount: number): Promise<void> {
  const r = await answered(() => c.capturePayment(key, nok(amount)))
  if (!(r instanceof TillClientError)) asked.capture = amount
}

async function cancel(c: TillClient, key: string, asked: Asked): Promise<void> {
  const r = await answered(() => c.cancelPayment(key))
  if (!(r instanceof TillClientError)) asked.cancelled = true
}

async function refund(c: TillClient, key: string, asked: Asked, refundKey: string, amount: number): Promise<void> {
  if (amount <= 0) return
  const r = await answered(() => c.refundPayment(key, refundKey, nok(amount)))
  if (!(r instanceof TillClientError)) asked.refunds.set(refundKey, amount)
}

function pick(rng: Prng): string {
  const entries = Object.entries(SCENARIOS)
  let n = rng.next() * entries.reduce((sum, [, s]) => sum + s.weight, 0)
  for (const [name, s] of entries) {
    n -= s.weight
    if (n < 0) return name
  }
  return entries[0]?.[0] ?? 'declined'
}

/** Runs scripted sales on one till until `running()` turns false. */
export async function runTill(c: TillClient, record: TillRecord, rng: Prng, running: () => boolean): Promise<void> {
  for (let i = 1; running(); i++) {
    const name = pick(rng)
    const scenario = SCENARIOS[name]
    if (!scenario) continue
    const key = `${record.tillId}-${i}`
    const amount = 1000 + rng.int(19_000)
    record.scenarios.push(name)
    const created = await answered(() =>
      c.createPayment(scenario.create(key, amount) as Parameters<TillClient['createPayment']>[0]),
    )
    if (created instanceof TillClientError) throw created
    const asked: Asked = { reference: created.payment.reference, scenario: name, refunds: new Map() }
    record.payments.set(key, asked)
    await scenario.next(c, key, rng, asked)
  }
}

/** The payment as the daemon has it now. */
export async function current(c: TillClient, key: string): Promise<Payment> {
  const r = await answered(() => c.getPayment(key))
  if (r instanceof TillClientError) throw r
  return r.payment
}

export function isFinal(p: Payment): boolean {
  return (FINAL as readonly string[]).includes(p.status)
}
