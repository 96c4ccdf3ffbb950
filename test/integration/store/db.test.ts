import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { isFatalStorageError, openDatabase } from '../../../src/store/db.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const tempDir = useTempDir()

describe('openDatabase', () => {
  it('sets synchronous=FULL again after reopening an existing WAL database', () => {
    const path = join(tempDir(), 'journal.db')
    openDatabase(path, { busyTimeoutMs: 1000 }).close()

    // The trap: a plain better-sqlite3 open of a WAL database reads synchronous back as NORMAL (1).
    const plain = new Database(path)
    expect(plain.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(plain.pragma('synchronous', { simple: true })).toBe(1)
    plain.close()

    const db = openDatabase(path, { busyTimeoutMs: 1000 })
    expect(db.pragma('synchronous', { simple: true })).toBe(2)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(db.pragma('busy_timeout', { simple: true })).toBe(1000)
    db.close()
  })

  it("opens with NORMAL only when asked (the power-cut test's negative control), and reads it back", () => {
    const path = join(tempDir(), 'journal.db')
    const weak = openDatabase(path, { busyTimeoutMs: 1000, synchronous: 'NORMAL' })
    expect(weak.pragma('synchronous', { simple: true })).toBe(1)
    weak.close()
    const db = openDatabase(path, { busyTimeoutMs: 1000 })
    expect(db.pragma('synchronous', { simple: true })).toBe(2)
    db.close()
  })

  it('creates the directory of a new journal', () => {
    const path = join(tempDir(), 'nested', 'dir', 'journal.db')
    const db = openDatabase(path, { busyTimeoutMs: 1000 })
    expect(db.open).toBe(true)
    db.close()
  })

  it('classifies I/O, full-disk and read-only errors as fatal, and constraint errors as not', () => {
    expect(isFatalStorageError({ code: 'SQLITE_IOERR_FSYNC' })).toBe(true)
    expect(isFatalStorageError({ code: 'SQLITE_FULL' })).toBe(true)
    expect(isFatalStorageError({ code: 'SQLITE_READONLY' })).toBe(true)
    expect(isFatalStorageError({ code: 'SQLITE_CONSTRAINT_UNIQUE' })).toBe(false)
    expect(isFatalStorageError(new Error('plain'))).toBe(false)
  })
})
