import type { Logger } from '../log/logger.js'
import type { Clock } from '../shared/clock.js'
import { TillbridgeError, toTillbridgeError } from '../shared/errors.js'
import { type Db, isFatalStorageError } from '../store/db.js'
import type { Journal } from '../store/journal.js'

/** What a unit of work may do besides SQL: things that must wait until its COMMIT. */
export interface WriteContext {
  /** Wall-clock time of this transaction, for every stored timestamp. */
  readonly now: number
  afterCommit(effect: () => void): void
}

export type Work<T> = (tx: WriteContext) => T

interface Queued {
  work: Work<unknown>
  resolve: (value: unknown) => void
  reject: (err: unknown) => void
}

/** Enough to share one fsync widely without stalling the event loop on one huge transaction. */
const MAX_BATCH = 256

type Outcome = { ok: true; value: unknown } | { ok: false; err: unknown }

export interface WriteBatcherOptions {
  /**
   * TEST HOOK (TILLBRIDGE_TEST_HOOKS=ack-before-commit), never in production: answer each unit
   * before its COMMIT, which is held back this long. It is the broken build the chaos run's
   * self-check must catch: a kill in that window loses what a till was told is accepted.
   */
  answerBeforeCommitMs?: number
}

/**
 * Group commit. Units of work that arrive in the same turn of the event loop run in ONE write
 * transaction (one fsync under synchronous=FULL), each inside its own savepoint, so one that
 * throws (an idempotency conflict, say) is rolled back alone. Every promise settles only after
 * the COMMIT, and effects (events to listeners, waking the worker) run only then. If the
 * transaction itself fails, no unit is answered as done: all get UNAVAILABLE.
 */
export class WriteBatcher {
  readonly #journal: Journal
  readonly #clock: Clock
  readonly #log: Logger
  #queue: Queued[] = []
  #scheduled = false
  #drained: Array<() => void> = []
  readonly #options: WriteBatcherOptions

  constructor(journal: Journal, clock: Clock, log: Logger, options: WriteBatcherOptions = {}) {
    this.#journal = journal
    this.#clock = clock
    this.#log = log
    this.#options = options
  }

  run<T>(work: Work<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, resolve: resolve as (value: unknown) => void, reject })
      this.#schedule()
    })
  }

  /** Resolves once everything queued so far has been committed or refused. */
  drain(): Promise<void> {
    if (this.#queue.length === 0 && !this.#scheduled) return Promise.resolve()
    return new Promise((resolve) => this.#drained.push(resolve))
  }

  #schedule(): void {
    if (this.#scheduled) return
    this.#scheduled = true
    // Not a timer: the next turn of the event loop, after every request read in this one.
    setImmediate(() => this.#flush())
  }

  #flush(): void {
    this.#scheduled = false
    const batch = this.#queue.splice(0, MAX_BATCH)
    if (this.#options.answerBeforeCommitMs !== undefined) {
      this.#flushAnsweringFirst(batch, this.#options.answerBeforeCommitMs)
      return
    }
    let run: { outcomes: Outcome[]; effects: Array<() => void> }
    try {
      run = this.#journal.write((db) => this.#runUnits(db, batch))
    } catch (err) {
      const refused = new TillbridgeError('UNAVAILABLE', 'the journal cannot be written now; retry later', {
        retryable: true,
        cause: err,
      })
      if (!isStorageFailure(err)) this.#log.error('journal transaction failed', { err })
      for (const item of batch) item.reject(refused)
      this.#afterFlush()
      return
    }
    this.#runEffects(run.effects)
    this.#settle(batch, run.outcomes)
    this.#afterFlush()
  }

  /** Each unit in its own savepoint inside the caller's transaction; a storage failure aborts all. */
  #runUnits(db: Db, batch: Queued[]): { outcomes: Outcome[]; effects: Array<() => void> } {
    const outcomes: Outcome[] = []
    const effects: Array<() => void> = []
    const now = this.#clock.now()
    for (const item of batch) {
      const mine: Array<() => void> = []
      const tx: WriteContext = { now, afterCommit: (effect) => mine.push(effect) }
      try {
        outcomes.push({ ok: true, value: db.transaction(() => item.work(tx))() })
        effects.push(...mine)
      } catch (err) {
        if (isFatalStorageError(err)) throw err
        outcomes.push({ ok: false, err })
      }
    }
    return { outcomes, effects }
  }

  /** The test hook's broken order: the answers go out, and the COMMIT only `delayMs` later. */
  #flushAnsweringFirst(batch: Queued[], delayMs: number): void {
    const db = this.#journal.db
    db.exec('BEGIN IMMEDIATE')
    const run = this.#runUnits(db, batch)
    this.#settle(batch, run.outcomes)
    this.#scheduled = true // nothing else is flushed while this transaction stays open
    this.#clock.setTimeout(() => {
      db.exec('COMMIT')
      this.#scheduled = false
      this.#runEffects(run.effects)
      this.#afterFlush()
    }, delayMs)
  }

  #runEffects(effects: Array<() => void>): void {
    for (const effect of effects) {
      try {
        effect()
      } catch (err) {
        this.#log.error('after-commit effect failed', { err })
      }
    }
  }

  #settle(batch: Queued[], outcomes: Outcome[]): void {
    batch.forEach((item, i) => {
      const outcome = outcomes[i]
      if (outcome?.ok) item.resolve(outcome.value)
      else item.reject(toTillbridgeError(outcome?.err))
    })
  }

  #afterFlush(): void {
    if (this.#queue.length > 0) this.#schedule()
    else for (const resolve of this.#drained.splice(0)) resolve()
  }
}

function isStorageFailure(err: unknown): boolean {
  return err instanceof TillbridgeError && err.code === 'STORAGE_FAILED'
}
