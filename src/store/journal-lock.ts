import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import type { Logger } from '../log/logger.js'
import { TillbridgeError } from '../shared/errors.js'
import type { Component } from '../shared/lifecycle.js'
import type { Db } from './db.js'

export interface JournalLockOptions {
  /** The journal's path; the lock is `<path>.lock`, the holder's PID `<path>.lock.pid`. */
  journalPath: string
  pid: number
  log: Logger
}

/**
 * One journal, one daemon: `run` holds an exclusive lock tied to the journal file for its whole
 * life, so a second daemon (a technician starting one by hand beside systemd's) cannot drive the
 * same payments. Node has no flock(), so the lock is SQLite's own: a write transaction held open
 * on a small database beside the journal. SQLite takes it with fcntl(), a lock the kernel drops
 * when the process dies in any way (SIGKILL included), so it can never go stale. The read-only
 * commands (payments, reconcile, doctor) do not take it and work beside a running daemon.
 */
export class JournalLock implements Component {
  readonly name = 'journal-lock'
  readonly #options: JournalLockOptions
  #db: Db | undefined

  constructor(options: JournalLockOptions) {
    this.#options = options
  }

  get lockPath(): string {
    return `${this.#options.journalPath}.lock`
  }

  get pidPath(): string {
    return `${this.lockPath}.pid`
  }

  async start(): Promise<void> {
    const db = openLockDatabase(this.lockPath)
    try {
      // Fails at once with SQLITE_BUSY while another process holds it (busy_timeout is 0).
      db.exec('BEGIN IMMEDIATE')
    } catch (err) {
      db.close()
      if ((err as { code?: unknown }).code !== 'SQLITE_BUSY') throw lockError(this.lockPath, err)
      throw this.#inUse()
    }
    this.#db = db
    // Written only once the lock is ours, so a live lock always names its holder.
    writeFileSync(this.pidPath, `${this.#options.pid}\n`, { mode: 0o600 })
    this.#options.log.info('journal lock taken', { lock: this.lockPath, pid: this.#options.pid })
  }

  async stop(): Promise<void> {
    const db = this.#db
    this.#db = undefined
    if (!db) return
    rmSync(this.pidPath, { force: true })
    if (db.open) db.close()
  }

  #inUse(): TillbridgeError {
    const holder = readHolderPid(this.pidPath)
    const who = holder === undefined ? 'another process (PID unknown)' : `PID ${holder}`
    return new TillbridgeError(
      'JOURNAL_LOCKED',
      `journal ${this.#options.journalPath} is in use by ${who}: only one tillbridge run may own a journal (stop the other one, e.g. systemctl stop tillbridge)`,
      { retryable: true, details: { journal: this.#options.journalPath, ...(holder ? { holderPid: holder } : {}) } },
    )
  }
}

function openLockDatabase(path: string): Db {
  try {
    mkdirSync(dirname(path), { recursive: true })
    const db = new Database(path)
    db.pragma('busy_timeout = 0')
    // A rollback journal (not WAL): the held transaction is then a plain fcntl lock on the file.
    db.pragma('journal_mode = DELETE')
    return db
  } catch (err) {
    throw lockError(path, err)
  }
}

function readHolderPid(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10)
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

function lockError(path: string, cause: unknown): TillbridgeError {
  const reason = cause instanceof Error ? cause.message : String(cause)
  return new TillbridgeError('STORAGE_FAILED', `cannot open journal lock ${path}: ${reason}`, {
    cause,
    retryable: true,
  })
}
