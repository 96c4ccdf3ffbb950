import type { Logger } from '../log/logger.js'
import type { Clock } from '../shared/clock.js'
import type { FatalReporter } from '../shared/fatal.js'
import { type HotPathTrace, NO_TRACE } from '../shared/hot-path-trace.js'
import type { Component } from '../shared/lifecycle.js'
import type { Journal } from '../store/journal.js'
import { AckCoalescer } from './ack-coalescer.js'
import type { PaymentsApi } from './api.js'
import { type EventListener, PaymentLedger } from './ledger.js'
import { toView } from './records.js'
import { ensureInstallationId } from './references.js'
import { emptySummary, type PaymentsSummary, PaymentsSummaryReader } from './summary.js'
import { notFound, unavailable } from './till-errors.js'
import { type TillRequestOptions, TillRequests } from './till-requests.js'
import type { CreatePaymentInput, Money, PaymentView, RequestResult, TillEvent } from './types.js'
import { WriteBatcher, type WriteBatcherOptions, type WriteContext } from './write-batcher.js'

export interface PaymentsEngineDeps {
  journal: Journal
  clock: Clock
  log: Logger
  fatal: FatalReporter
  options: TillRequestOptions
  /** The sales unit (MSN) a till's payments go to. */
  msnForTill: (tillId: string) => string
  /** Test hooks only (ack-before-commit); see WriteBatcherOptions. */
  writer?: WriteBatcherOptions
  /** Stamps each sale's hot path; default: off. */
  trace?: HotPathTrace
}

export type AcceptClaim = (tx: WriteContext, tillId: string, key: string) => (() => void) | undefined

/** The engine's insides the worker shares: one ledger, one group-commit writer. */
export interface PaymentsCore {
  ledger: PaymentLedger
  writer: WriteBatcher
  trace: HotPathTrace
}

/**
 * The payments engine as tills (through the gateway) see it: PaymentsApi. Every change is a
 * unit of work in a group-committed write transaction and is answered only after its COMMIT.
 * A till sees and acts on its own payments only: keys are looked up per till, so another
 * till's key is simply NOT_FOUND. While stopping, or after a storage failure, new requests get
 * UNAVAILABLE.
 */
export class PaymentsEngine implements PaymentsApi, Component {
  readonly name = 'payments'
  readonly #deps: PaymentsEngineDeps
  readonly #listeners = new Set<EventListener>()
  readonly #work = new Set<() => void>()
  #core: (PaymentsCore & { requests: TillRequests; summary: PaymentsSummaryReader; acks: AckCoalescer }) | undefined
  #accepting = false
  #claim: AcceptClaim | undefined

  constructor(deps: PaymentsEngineDeps) {
    this.#deps = deps
  }

  async start(): Promise<void> {
    const { journal, clock, log, options, msnForTill } = this.#deps
    const ledger = new PaymentLedger(journal.db)
    const writer = new WriteBatcher(journal, clock, log, this.#deps.writer)
    const installationId = journal.write((db) => ensureInstallationId(db))
    ledger.onEvent((tillId, event) => {
      for (const listener of this.#listeners) listener(tillId, event)
    })
    const requests = new TillRequests({ ledger, options, installationId, msnForTill, wake: () => this.#wake() })
    const trace = this.#deps.trace ?? NO_TRACE
    const summary = new PaymentsSummaryReader(journal.db)
    const acks = new AckCoalescer(ledger, writer, clock, log)
    this.#core = { ledger, writer, trace, requests, summary, acks }
    this.#accepting = true
  }

  async stop(): Promise<void> {
    this.#accepting = false
    await this.#core?.acks.flush()
    await this.#core?.writer.drain()
  }

  /** For the worker: the ledger and writer, valid after start(). */
  get core(): PaymentsCore {
    if (!this.#core) throw new Error('payments engine not started')
    return this.#core
  }

  /**
   * The worker's offer to take a new sale inside its accept transaction (its intent then shares
   * the accept's COMMIT); it returns what to run after that COMMIT, or nothing to leave the sale
   * to its normal turn.
   */
  onAccept(claim: AcceptClaim): () => void {
    this.#claim = claim
    return () => {
      if (this.#claim === claim) this.#claim = undefined
    }
  }

  /** Called after COMMIT of every till request that gives the worker something to do. */
  onWork(listener: () => void): () => void {
    this.#work.add(listener)
    return () => this.#work.delete(listener)
  }

  create(tillId: string, input: CreatePaymentInput): Promise<RequestResult> {
    return this.#write((core, tx) => {
      let claimed: (() => void) | undefined
      // Runs with the COMMIT's effects, before the worker's wake (#wake): a claimed sale is
      // already the worker's when it plans, and is never started twice.
      tx.afterCommit(() => {
        core.trace.mark(tillId, input.key, 'acceptCommitted')
        claimed?.()
      })
      const result = core.requests.accept(tx, tillId, input)
      if (!result.replayed) claimed = this.#claim?.(tx, tillId, input.key)
      return result
    })
  }

  cancel(tillId: string, key: string): Promise<RequestResult> {
    return this.#write((core, tx) => core.requests.cancel(tx, tillId, key))
  }

  capture(tillId: string, key: string, amount?: Money): Promise<RequestResult> {
    return this.#write((core, tx) => core.requests.capture(tx, tillId, key, amount))
  }

  refund(tillId: string, key: string, refundKey: string, amount: Money): Promise<RequestResult> {
    return this.#write((core, tx) => core.requests.refund(tx, tillId, key, refundKey, amount))
  }

  get(tillId: string, key: string): PaymentView {
    const p = this.#readable().ledger.repo.byTillKey(tillId, key)
    if (!p) throw notFound(key)
    return toView(p)
  }

  eventsAfter(tillId: string, afterSeq: number, limit: number): TillEvent[] {
    return this.#readable().ledger.mailbox.after(tillId, afterSeq, limit)
  }

  lastSeq(tillId: string): number {
    return this.#readable().ledger.mailbox.lastSeq(tillId)
  }

  ack(tillId: string, seq: number): void {
    const core = this.#core
    if (!core || !this.#accepting) return
    // Not awaited, and shared: a lost ack only means the till gets those events once more.
    core.acks.ack(tillId, seq)
  }

  /** Counts by status, the oldest unfinished payment, unacked events, the latest changes. */
  summary(): PaymentsSummary {
    const core = this.#core
    if (!core) return emptySummary()
    return core.summary.read(this.#deps.clock.now())
  }

  onEvent(listener: (tillId: string, event: TillEvent) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  #write<T>(work: (core: PaymentsCore & { requests: TillRequests }, tx: WriteContext) => T): Promise<T> {
    const core = this.#core
    if (!core || !this.#accepting) return Promise.reject(unavailable('the payments engine is not running'))
    if (this.#deps.fatal.error) return Promise.reject(unavailable('the journal failed; the daemon is stopping'))
    return core.writer.run((tx) => work(core, tx))
  }

  #readable(): PaymentsCore {
    if (!this.#core) throw unavailable('the payments engine is not running')
    return this.#core
  }

  #wake(): void {
    // After every effect of the COMMIT, not in their midst: one COMMIT holds the accepts of many
    // tills, and a worker woken by the first must not start a sale a later effect hands it (a
    // claimed create would be read back first, as if its answer had been lost).
    queueMicrotask(() => {
      for (const listener of this.#work) {
        // Outside the COMMIT's effects now, so nothing else would catch a throw: log it, as they did.
        try {
          listener()
        } catch (err) {
          this.#deps.log.error('waking the worker failed', { err })
        }
      }
    })
  }
}
