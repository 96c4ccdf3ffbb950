import { join } from 'node:path'
import { type ConfigInput, configSchema } from '../../src/config/schema.js'
import { createSilentLogger, type Logger } from '../../src/log/logger.js'
import type { PaymentsEngine } from '../../src/payments/engine.js'
import type { Reaper } from '../../src/payments/reaper.js'
import type { CreatePaymentInput } from '../../src/payments/types.js'
import { createPayments } from '../../src/payments/wiring.js'
import type { PaymentWorker } from '../../src/payments/worker.js'
import type { Clock } from '../../src/shared/clock.js'
import { FatalReporter } from '../../src/shared/fatal.js'
import { ManualClock } from '../../src/shared/manual-clock.js'
import { Journal } from '../../src/store/journal.js'
import type { EpaymentApi } from '../../src/vipps/api.js'

export interface PaymentsHarness {
  path: string
  clock: Clock
  journal: Journal
  engine: PaymentsEngine
  worker: PaymentWorker
  /** Not started (its cron runs on the wall clock); call prune() directly. */
  reaper: Reaper
  fatal: FatalReporter
  /** Stops worker, engine and journal, in that order. */
  stop(): Promise<void>
}

export interface HarnessOptions {
  dir: string
  provider: EpaymentApi | ((msn: string) => EpaymentApi)
  clock?: Clock
  payments?: NonNullable<ConfigInput['payments']>
  /** provider.* keys the engine reads (deadlineMs, attemptTimeoutMs). */
  providerConfig?: NonNullable<ConfigInput['provider']>
  log?: Logger
  /** Leave the worker stopped (to hold accepted payments unsent). */
  withoutWorker?: boolean
}

/** The real engine and worker on a real SQLite file, with the provider given (a fake or a real client). */
export async function startPayments(o: HarnessOptions): Promise<PaymentsHarness> {
  const path = join(o.dir, 'journal.db')
  const clock = o.clock ?? new ManualClock()
  const log = o.log ?? createSilentLogger()
  const fatal = new FatalReporter()
  const config = configSchema.parse({
    journal: { path },
    payments: o.payments ?? {},
    provider: o.providerConfig ?? {},
  })
  const journal = new Journal({ path, busyTimeoutMs: 2000, clock, log, fatal })
  const provider = o.provider
  const providerFor = typeof provider === 'function' ? provider : () => provider
  const { engine, worker, reaper } = createPayments({
    config,
    journal,
    clock,
    log,
    fatal,
    providerFor,
    fallbackMsn: '123456',
    random: () => 0.5,
  })
  await journal.start()
  await engine.start()
  if (!o.withoutWorker) await worker.start()
  return {
    path,
    clock,
    journal,
    engine,
    worker,
    reaper,
    fatal,
    async stop() {
      await worker.stop()
      await engine.stop()
      await journal.stop()
    },
  }
}

/** Lets every step that can run at the current time run to its end. */
export async function settle(h: PaymentsHarness): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve))
    await h.worker.idle()
  }
}

/** Moves the manual clock forward in small steps, letting the worker finish what falls due in each. */
export async function advance(h: PaymentsHarness, ms: number, stepMs = 250): Promise<void> {
  const clock = h.clock as ManualClock
  for (let done = 0; done < ms; done += stepMs) {
    await clock.advance(Math.min(stepMs, ms - done))
    await settle(h)
  }
}

export function pushPayment(
  key: string,
  phone = '4791234567',
  extra: Partial<CreatePaymentInput> = {},
): CreatePaymentInput {
  return {
    key,
    amount: { value: 12550, currency: 'NOK' },
    flow: 'push',
    customer: { phoneNumber: phone },
    capture: 'auto',
    ...extra,
  }
}

export function qrPayment(key: string, extra: Partial<CreatePaymentInput> = {}): CreatePaymentInput {
  return { key, amount: { value: 5000, currency: 'NOK' }, flow: 'qr', capture: 'auto', ...extra }
}
