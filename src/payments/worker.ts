import { setMaxListeners } from 'node:events'
import type { Logger } from '../log/logger.js'
import type { Clock, TimerHandle } from '../shared/clock.js'
import type { Component } from '../shared/lifecycle.js'
import type { EpaymentApi } from '../vipps/api.js'
import { retryDelay } from './call-outcome.js'
import { Completer } from './completer.js'
import { expireUnsent, markIntent, sendMarked, sendsAtOnce } from './create-step.js'
import type { PaymentsEngine } from './engine.js'
import { step } from './step.js'
import type { StepDeps, WorkerOptions } from './step-deps.js'
import type { WriteContext } from './write-batcher.js'

export interface WorkerDeps {
  engine: PaymentsEngine
  clock: Clock
  log: Logger
  providerFor: (msn: string) => EpaymentApi
  options: WorkerOptions & { completerIntervalMs: number }
  /** Payments worked on at once (each has at most one provider call in flight). */
  concurrency?: number
  random?: () => number
}

/** A payment that comes due this often in a row without its schedule moving is pushed back. */
const NO_PROGRESS_LIMIT = 5

/**
 * Drives every payment to a final state. Each payment has a `next_action_at` in the journal;
 * the worker runs the due ones (one step each, never two at once for one payment), sleeps on the
 * injected clock until the next one is due, and is woken when a till request commits new work.
 * At start, and every completerIntervalMs, the completer resolves what an earlier run left in
 * flight.
 */
export class PaymentWorker implements Component {
  readonly name = 'payments-worker'
  readonly #deps: WorkerDeps
  readonly #running = new Map<number, Promise<void>>()
  readonly #stalls = new Map<number, number>()
  /** Sales claimed in the group commit being written; their sends start after its COMMIT. */
  readonly #claiming = new Set<number>()
  #steps: StepDeps | undefined
  #completer: Completer | undefined
  #timer: TimerHandle | undefined
  #completerTimer: TimerHandle | undefined
  #abort = new AbortController()
  #stopping = false
  #unsubscribe: (() => void) | undefined
  #idle: Array<() => void> = []

  constructor(deps: WorkerDeps) {
    this.#deps = deps
  }

  async start(): Promise<void> {
    const { engine, clock, log, providerFor, options } = this.#deps
    const { ledger, writer, trace } = engine.core
    this.#stopping = false
    this.#abort = new AbortController()
    // One signal for every call in flight, by design: more than 10 listeners is no leak here.
    setMaxListeners(0, this.#abort.signal)
    this.#steps = {
      ledger,
      writer,
      clock,
      log,
      providerFor,
      options,
      random: this.#deps.random ?? Math.random,
      signal: this.#abort.signal,
      trace,
    }
    this.#completer = new Completer(ledger, writer, log)
    await this.#completer.run([])
    const unsubscribeWork = engine.onWork(() => this.#plan())
    const unsubscribeAccept = engine.onAccept((tx, tillId, key) => this.#claim(tx, tillId, key))
    this.#unsubscribe = () => {
      unsubscribeWork()
      unsubscribeAccept()
    }
    this.#scheduleCompleter()
    this.#plan()
  }

  async stop(): Promise<void> {
    this.#stopping = true
    this.#unsubscribe?.()
    for (const timer of [this.#timer, this.#completerTimer]) if (timer) this.#deps.clock.clearTimeout(timer)
    this.#timer = undefined
    this.#completerTimer = undefined
    // Calls in flight end now; their outcome is unknown and the next start reads them back.
    this.#abort.abort(new Error('payments worker stopping'))
    await Promise.allSettled([...this.#running.values()])
  }

  /** Resolves when no step runs and none is due now (for tests and the benchmark). */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve()
    return new Promise((resolve) => this.#idle.push(resolve))
  }

  #plan(): void {
    const steps = this.#steps
    if (this.#stopping || !steps) return
    const { clock } = this.#deps
    const concurrency = this.#deps.concurrency ?? 32
    const repo = steps.ledger.repo
    const free = concurrency - this.#running.size
    if (free > 0) for (const id of repo.due(clock.now(), [...this.#running.keys()], free)) this.#run(steps, id)
    if (this.#timer) clock.clearTimeout(this.#timer)
    this.#timer = undefined
    if (this.#running.size < concurrency) {
      const at = repo.earliestDue([...this.#running.keys()])
      if (at !== undefined) this.#timer = clock.setTimeout(() => this.#plan(), Math.max(0, at - clock.now()))
    }
    if (this.#idle.length > 0 && this.#isIdle()) for (const resolve of this.#idle.splice(0)) resolve()
  }

  /**
   * A new sale, inside its accept transaction: with a free slot, its create's attempt is recorded
   * in that same transaction and the create goes out right after the COMMIT, one fsync sooner.
   * The intent is still durable before the first byte leaves; if the daemon dies before sending,
   * the next start reads the payment back first, as for any attempt in flight.
   */
  #claim(tx: WriteContext, tillId: string, key: string): (() => void) | undefined {
    const steps = this.#steps
    const busy = this.#running.size + this.#claiming.size
    if (this.#stopping || !steps || busy >= (this.#deps.concurrency ?? 32)) return undefined
    const p = steps.ledger.repo.byTillKey(tillId, key)
    const op = p && steps.ledger.repo.operations(p.id).find((o) => o.kind === 'create')
    if (!p || !op || !sendsAtOnce(op)) return undefined
    if (!markIntent(steps, tx, p.id, op.id)) return undefined
    // One COMMIT may hold many accepts: count the claims of this one against the cap too. The
    // group commit runs (and, if it commits, runs its effects) in one turn; the count is dropped
    // after it either way.
    if (this.#claiming.size === 0) queueMicrotask(() => this.#claiming.clear())
    this.#claiming.add(p.id)
    return () => {
      if (this.#stopping || this.#running.has(p.id)) return
      steps.trace.mark(tillId, key, 'workerWoken')
      // A cancel in the same COMMIT (after this accept) found the intent already marked; nothing
      // has left yet, so the sale ends unsent instead of being created and then cancelled.
      const unsent = steps.ledger.repo.byId(p.id)?.status !== 'queued'
      const work = unsent
        ? steps.writer.run((after) => expireUnsent(steps, after, p.id, 'cancelled before it was sent'))
        : sendMarked(steps, p, op)
      this.#track(steps, p.id, work)
    }
  }

  #run(steps: StepDeps, id: number): void {
    this.#track(steps, id, step(steps, id))
  }

  #track(steps: StepDeps, id: number, work: Promise<void>): void {
    const startedAt = this.#deps.clock.now()
    const run = work
      .catch((err: unknown) => this.#stepFailed(steps, id, err))
      .then(() => this.#checkProgress(steps, id, startedAt))
      .finally(() => {
        this.#running.delete(id)
        this.#plan()
      })
    this.#running.set(id, run)
  }

  async #stepFailed(steps: StepDeps, id: number, err: unknown): Promise<void> {
    if (this.#stopping) return
    this.#deps.log.error('payment step failed', { paymentId: id, err })
    await this.#pushBack(steps, id).catch(() => {})
  }

  /** Guards against a payment that stays due without anything changing: no tight loops, ever. */
  async #checkProgress(steps: StepDeps, id: number, startedAt: number): Promise<void> {
    const p = steps.ledger.repo.byId(id)
    if (!p || p.nextActionAt === null || p.nextActionAt > startedAt) {
      this.#stalls.delete(id)
      return
    }
    const stalls = (this.#stalls.get(id) ?? 0) + 1
    this.#stalls.set(id, stalls)
    if (stalls < NO_PROGRESS_LIMIT || this.#stopping) return
    this.#stalls.delete(id)
    this.#deps.log.warn('payment step made no progress; backing off', { paymentId: id, status: p.status })
    await this.#pushBack(steps, id).catch(() => {})
  }

  async #pushBack(steps: StepDeps, id: number): Promise<void> {
    await steps.writer.run((tx) => {
      const p = steps.ledger.repo.byId(id)
      if (!p) return
      const failures = p.pollFailures + 1
      const { retryMinDelayMs, retryMaxDelayMs } = steps.options
      steps.ledger.repo.setNextAction(
        id,
        tx.now + retryDelay(failures, retryMinDelayMs, retryMaxDelayMs, steps.random),
        failures,
      )
    })
  }

  #scheduleCompleter(): void {
    const { clock, options, log } = this.#deps
    this.#completerTimer = clock.setTimeout(() => {
      if (this.#stopping) return
      this.#completer
        ?.run([...this.#running.keys()])
        .then(() => this.#plan())
        .catch((err: unknown) => log.error('completer failed', { err }))
        .finally(() => {
          if (!this.#stopping) this.#scheduleCompleter()
        })
    }, options.completerIntervalMs)
    this.#completerTimer.unref()
  }

  #isIdle(): boolean {
    if (this.#running.size > 0) return false
    if (!this.#steps) return true
    const at = this.#steps.ledger.repo.earliestDue([])
    return at === undefined || at > this.#deps.clock.now()
  }
}
