import type { Logger } from '../log/logger.js'
import type { Clock } from '../shared/clock.js'
import type { HotPathTrace } from '../shared/hot-path-trace.js'
import type { EpaymentApi } from '../vipps/api.js'
import { type CallFailure, retryDelay } from './call-outcome.js'
import type { PaymentLedger } from './ledger.js'
import { followUp, type ProgressOptions } from './progress.js'
import type { PaymentRecord } from './records.js'
import type { WriteBatcher, WriteContext } from './write-batcher.js'

export interface WorkerOptions extends ProgressOptions {
  pollFirstDelayMs: number
  retryMinDelayMs: number
  retryMaxDelayMs: number
  /** provider.deadlineMs: how long one call may go on, its own retries included. */
  callDeadlineMs: number
  /**
   * How long after its last possible attempt a create may still land at Vipps (one attempt
   * timeout). Only after that is a create that Vipps does not know declared never sent.
   */
  settleMs: number
  /** Vipps allows 5 creates, captures, cancels and refunds per minute per reference. */
  modificationsPerMinute: number
}

/** What every step of the worker needs. */
export interface StepDeps {
  ledger: PaymentLedger
  writer: WriteBatcher
  clock: Clock
  log: Logger
  providerFor: (msn: string) => EpaymentApi
  options: WorkerOptions
  random: () => number
  /** Aborted when the worker stops: the outcome of a call in flight is then unknown. */
  signal: AbortSignal
  /** Stamps each sale's hot path (off unless TILLBRIDGE_TRACE_FILE is set). */
  trace: HotPathTrace
}

/** Reads the payment again inside the transaction: a till request may have changed it meanwhile. */
export function fresh(d: StepDeps, id: number): PaymentRecord | undefined {
  return d.ledger.repo.byId(id)
}

/** Stores a failed read and looks again after a backoff that grows with each failure in a row. */
export function backOff(d: StepDeps, tx: WriteContext, p: PaymentRecord, f: CallFailure): void {
  const failures = p.pollFailures + 1
  const delay = retryDelay(failures, d.options.retryMinDelayMs, d.options.retryMaxDelayMs, d.random, f.retryAfterMs)
  d.ledger.repo.setNextAction(p.id, tx.now + Math.max(delay, d.options.pollIntervalMs), failures)
}

/** followUp with this worker's options. */
export function advance(d: StepDeps, tx: WriteContext, p: PaymentRecord, notBefore?: number): PaymentRecord {
  return followUp(d.ledger, tx, p, d.options, notBefore)
}
