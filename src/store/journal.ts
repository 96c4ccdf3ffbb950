import type { Logger } from '../log/logger.js'
import type { Clock } from '../shared/clock.js'
import type { FatalReporter } from '../shared/fatal.js'
import type { Component } from '../shared/lifecycle.js'
import { type Db, isFatalStorageError, openDatabase, type SynchronousLevel, storageError } from './db.js'
import { type Migration, migrate, readMigrations } from './migrate.js'

export interface JournalOptions {
  path: string
  busyTimeoutMs: number
  /** Only the power-cut test's negative control lowers this. @defaultValue 'FULL' */
  synchronous?: SynchronousLevel
  clock: Clock
  log: Logger
  fatal: FatalReporter
  /** An already-open database (tests); the journal then does not close it. */
  db?: Db
  migrations?: Migration[]
}

/**
 * The SQLite journal as a component: opened and migrated in start(), closed in stop().
 * `write()` is the one door for writes: a storage failure there is reported as fatal.
 */
export class Journal implements Component {
  readonly name = 'journal'
  #db: Db | undefined
  readonly #options: JournalOptions

  constructor(options: JournalOptions) {
    this.#options = options
  }

  get db(): Db {
    if (!this.#db) throw new Error('journal not started')
    return this.#db
  }

  get path(): string {
    return this.#options.path
  }

  async start(): Promise<void> {
    const { path, busyTimeoutMs, synchronous, clock, log } = this.#options
    const db = this.#options.db ?? openDatabase(path, { busyTimeoutMs, ...(synchronous ? { synchronous } : {}) })
    try {
      const report = migrate(db, clock, this.#options.migrations ?? readMigrations())
      if (report.applied.length > 0) {
        log.info('journal migrated', { path, applied: report.applied.map((m) => m.version), version: report.current })
      }
    } catch (err) {
      if (!this.#options.db) db.close()
      throw err
    }
    this.#db = db
  }

  async stop(): Promise<void> {
    const db = this.#db
    this.#db = undefined
    if (db && !this.#options.db && db.open) db.close()
  }

  /** Proves the journal still takes a durable write (for the watchdog). Throws if it does not. */
  probeWrite(): void {
    const now = String(this.#options.clock.now())
    this.write((db) =>
      db
        .prepare(
          "INSERT INTO daemon_meta (key, value) VALUES ('heartbeat', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        )
        .run(now),
    )
  }

  /**
   * Runs `fn` in a write transaction (BEGIN IMMEDIATE). Returns only after COMMIT, which under
   * synchronous=FULL means the data is on disk. An I/O or full-disk error leaves the outcome
   * unknown: it is reported as fatal and rethrown as STORAGE_FAILED.
   */
  write<T>(fn: (db: Db) => T): T {
    const db = this.db
    try {
      return db.transaction(() => fn(db)).immediate()
    } catch (err) {
      if (isFatalStorageError(err)) {
        const wrapped = storageError('journal write failed', err)
        this.#options.log.error('journal write failed; stopping', { err: wrapped })
        this.#options.fatal.report(wrapped)
        throw wrapped
      }
      throw err
    }
  }
}
