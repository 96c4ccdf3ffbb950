import type { Config } from '../config/schema.js'
import type { Logger } from '../log/logger.js'
import type { Clock } from '../shared/clock.js'
import type { FatalReporter } from '../shared/fatal.js'
import type { HotPathTrace } from '../shared/hot-path-trace.js'
import type { Journal } from '../store/journal.js'
import type { EpaymentApi } from '../vipps/api.js'
import { PaymentsEngine } from './engine.js'
import { Reaper } from './reaper.js'
import { PaymentWorker } from './worker.js'
import type { WriteBatcherOptions } from './write-batcher.js'

export interface PaymentsWiring {
  config: Config
  journal: Journal
  clock: Clock
  log: Logger
  fatal: FatalReporter
  /** The ePayment client of a sales unit. */
  providerFor: (msn: string) => EpaymentApi
  /** The MSN of tills without their own and with no sales unit configured (the simulator's). */
  fallbackMsn: string
  random?: () => number
  /** Test hooks only: the engine answers before COMMIT (see WriteBatcherOptions). */
  writer?: WriteBatcherOptions
  /** Stamps each sale's hot path; default: off. */
  trace?: HotPathTrace
}

export interface PaymentsComponents {
  engine: PaymentsEngine
  worker: PaymentWorker
  reaper: Reaper
}

/**
 * A till's sales unit: its own `gateway.tills[].msn`, else the first configured sales unit, else
 * the fallback (the embedded simulator's demo MSN).
 */
export function tillMsnResolver(config: Config, fallbackMsn: string): (tillId: string) => string {
  const own = new Map(config.gateway.tills.flatMap((t) => (t.msn ? [[t.id, t.msn] as const] : [])))
  const fallback = config.provider.salesUnits[0]?.msn ?? fallbackMsn
  return (tillId) => own.get(tillId) ?? fallback
}

/** The engine, its worker and its reaper, in start order. */
export function createPayments(w: PaymentsWiring): PaymentsComponents {
  const p = w.config.payments
  const log = w.log.child({ subsystem: 'payments' })
  const engine = new PaymentsEngine({
    journal: w.journal,
    clock: w.clock,
    log,
    fatal: w.fatal,
    options: { referencePrefix: p.referencePrefix, sendDeadlineMs: p.sendDeadlineMs },
    msnForTill: tillMsnResolver(w.config, w.fallbackMsn),
    ...(w.writer ? { writer: w.writer } : {}),
    ...(w.trace ? { trace: w.trace } : {}),
  })
  const worker = new PaymentWorker({
    engine,
    clock: w.clock,
    log,
    providerFor: w.providerFor,
    options: {
      pollFirstDelayMs: p.pollFirstDelayMs,
      pollIntervalMs: p.pollIntervalMs,
      manualCaptureTimeoutMs: p.manualCaptureTimeoutMs,
      retryMinDelayMs: p.retryMinDelayMs,
      retryMaxDelayMs: p.retryMaxDelayMs,
      completerIntervalMs: p.completerIntervalMs,
      callDeadlineMs: w.config.provider.deadlineMs,
      settleMs: w.config.provider.attemptTimeoutMs,
      modificationsPerMinute: p.modificationsPerMinute,
    },
    ...(w.random ? { random: w.random } : {}),
  })
  const reaper = new Reaper(
    engine,
    { retentionDays: p.retentionDays, unackedEventRetentionDays: p.unackedEventRetentionDays, pruneCron: p.pruneCron },
    log,
  )
  return { engine, worker, reaper }
}
