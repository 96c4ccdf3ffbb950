import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Clock } from '../shared/clock.js'
import { TillbridgeError } from '../shared/errors.js'
import type { Db } from './db.js'

/** The project's migrations folder, beside src/ and dist/. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url))

export interface Migration {
  version: number
  name: string
  sql: string
  checksum: string
}

export interface MigrationReport {
  applied: Migration[]
  current: number
}

const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/

export function readMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((f) => FILE_PATTERN.test(f))
    .sort()
    .map((file) => {
      const match = FILE_PATTERN.exec(file)
      const sql = readFileSync(join(dir, file), 'utf8')
      return {
        version: Number(match?.[1]),
        name: match?.[2] ?? file,
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      }
    })
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new TillbridgeError(
        'MIGRATION_FAILED',
        `migrations must be numbered 0001, 0002, … without gaps; found ${m.version} at place ${i + 1}`,
      )
    }
  })
  return migrations
}

interface LedgerRow {
  version: number
  name: string
  checksum: string
}

/**
 * Brings the journal's schema up to date. Every check that can refuse runs before anything is
 * written, so a refused database is left exactly as it was. Each migration runs in its own
 * BEGIN IMMEDIATE transaction together with its ledger row: it is applied whole or not at all,
 * and a concurrent `tillbridge migrate` cannot race the daemon.
 */
export function migrate(db: Db, clock: Clock, migrations: Migration[] = readMigrations()): MigrationReport {
  const ledger = readLedger(db)
  const known = new Map(migrations.map((m) => [m.version, m]))
  const latest = migrations.length
  for (const row of ledger) {
    const m = known.get(row.version)
    if (!m) {
      throw new TillbridgeError(
        'SCHEMA_MISMATCH',
        `the journal was migrated to version ${row.version} (${row.name}) but this tillbridge knows only up to ${latest}: run the newer tillbridge, or restore a backup`,
      )
    }
    if (m.checksum !== row.checksum) {
      throw new TillbridgeError(
        'SCHEMA_MISMATCH',
        `migration ${String(m.version).padStart(4, '0')}_${m.name}.sql was changed after it was applied; migrations are append-only: restore the file and add a new migration instead`,
      )
    }
  }

  const done = new Set(ledger.map((r) => r.version))
  const applied: Migration[] = []
  for (const m of migrations) {
    if (done.has(m.version)) continue
    const apply = db.transaction(() => {
      db.exec(LEDGER_DDL)
      db.exec(m.sql)
      db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)').run(
        m.version,
        m.name,
        m.checksum,
        clock.now(),
      )
    })
    try {
      apply.immediate()
    } catch (err) {
      throw new TillbridgeError(
        'MIGRATION_FAILED',
        `migration ${String(m.version).padStart(4, '0')}_${m.name}.sql failed and was rolled back: ${(err as Error).message}`,
        { cause: err },
      )
    }
    applied.push(m)
  }
  return { applied, current: latest }
}

const LEDGER_DDL = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INTEGER PRIMARY KEY,
  name       TEXT    NOT NULL,
  checksum   TEXT    NOT NULL,
  applied_at INTEGER NOT NULL
) STRICT`

function readLedger(db: Db): LedgerRow[] {
  const exists = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'").get()
  if (!exists) return []
  return db.prepare('SELECT version, name, checksum FROM schema_migrations ORDER BY version').all() as LedgerRow[]
}
