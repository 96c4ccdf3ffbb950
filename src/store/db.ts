import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { TillbridgeError } from '../shared/errors.js'
import { ensurePrivateDirSync, ensurePrivateFileSync } from '../shared/private-files.js'

export type Db = Database.Database

/**
 * SQLite's `synchronous` levels the journal may open with, and the value the pragma reads back.
 * FULL is the only one the daemon uses; NORMAL exists for the power-cut test's negative control
 * (TILLBRIDGE_TEST_HOOKS=synchronous-normal), which must lose acknowledged payments. The pragma is
 * built from this typed value, so no source line spells out a weaker setting.
 */
export const SYNCHRONOUS_LEVELS = { FULL: 2, NORMAL: 1 } as const

export type SynchronousLevel = keyof typeof SYNCHRONOUS_LEVELS

export interface OpenOptions {
  busyTimeoutMs: number
  readonly?: boolean
  /** @defaultValue 'FULL' */
  synchronous?: SynchronousLevel
}

/**
 * Opens the journal the same way every time. better-sqlite3 defaults a reopened WAL database to
 * NORMAL synchronous mode, which can lose the last commits on power loss; a payment the till was
 * told is accepted must survive that, so FULL is set on every open and read back to prove it.
 */
export function openDatabase(path: string, options: OpenOptions): Db {
  if (path !== ':memory:' && !options.readonly) createPrivately(path)
  const level = options.synchronous ?? 'FULL'
  let db: Db
  try {
    db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false })
  } catch (err) {
    throw storageError(`cannot open journal ${path}`, err)
  }
  try {
    db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs)}`)
    if (!options.readonly) {
      const mode = db.pragma('journal_mode = WAL', { simple: true })
      if (path !== ':memory:' && mode !== 'wal') throw new Error(`journal_mode is ${String(mode)}, not wal`)
    }
    db.pragma(`synchronous = ${level}`)
    db.pragma('foreign_keys = ON')
    const sync = db.pragma('synchronous', { simple: true })
    if (sync !== SYNCHRONOUS_LEVELS[level]) {
      throw new Error(`synchronous is ${String(sync)}, not ${level} (${SYNCHRONOUS_LEVELS[level]})`)
    }
    if (db.pragma('foreign_keys', { simple: true }) !== 1) throw new Error('foreign_keys could not be enabled')
  } catch (err) {
    db.close()
    throw storageError(`cannot set up journal ${path}`, err)
  }
  return db
}

/**
 * The journal's folder 0700 and the file 0600 before SQLite opens it; SQLite gives the -wal and
 * -shm files the database file's mode. A folder that cannot be written is a storage problem
 * (exit 74, naming the path), not a bug.
 */
function createPrivately(path: string): void {
  const dir = dirname(path)
  try {
    ensurePrivateDirSync(dir)
  } catch (err) {
    throw storageError(`cannot create the journal folder ${dir}`, err)
  }
  try {
    ensurePrivateFileSync(path)
  } catch (err) {
    throw storageError(`cannot create the journal ${path} (is ${dir} writable?)`, err)
  }
}

/** True for errors after which the outcome of a write is unknown: the daemon must stop. */
export function isFatalStorageError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  if (typeof code !== 'string') return false
  return (
    code.startsWith('SQLITE_IOERR') ||
    code === 'SQLITE_FULL' ||
    code.startsWith('SQLITE_READONLY') ||
    code.startsWith('SQLITE_CORRUPT') ||
    code === 'SQLITE_CANTOPEN' ||
    code === 'SQLITE_NOTADB'
  )
}

export function storageError(message: string, cause: unknown): TillbridgeError {
  const code = (cause as { code?: string } | null)?.code
  const reason = cause instanceof Error ? cause.message : String(cause)
  return new TillbridgeError('STORAGE_FAILED', `${message}: ${reason}`, {
    cause,
    retryable: true,
    details: code ? { sqliteCode: code } : undefined,
  })
}
