import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../../src/shared/manual-clock.js'
import { openDatabase } from '../../../src/store/db.js'
import { type Migration, migrate, readMigrations } from '../../../src/store/migrate.js'
import { errorThrownBy } from '../../helpers/error-of.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const tempDir = useTempDir()
const clock = new ManualClock()

function migrationsIn(files: Record<string, string>): Migration[] {
  const dir = tempDir()
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql)
  return readMigrations(dir)
}

function tables(path: string): string[] {
  const db = openDatabase(path, { busyTimeoutMs: 1000 })
  const names = db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
    .pluck()
    .all() as string[]
  db.close()
  return names
}

describe('migrate', () => {
  const base = { '0001_a.sql': 'CREATE TABLE a (x INTEGER) STRICT;', '0002_b.sql': 'CREATE TABLE b (y TEXT) STRICT;' }

  it('migrates a fresh database to the latest version, and re-running is a no-op', () => {
    const path = join(tempDir(), 'j.db')
    const db = openDatabase(path, { busyTimeoutMs: 1000 })
    expect(migrate(db, clock, migrationsIn(base)).applied.map((m) => m.version)).toEqual([1, 2])
    expect(migrate(db, clock, migrationsIn(base)).applied).toEqual([])
    db.close()
    expect(tables(path)).toEqual(['a', 'b', 'schema_migrations'])
  })

  it('applies the project migrations, all tables STRICT', () => {
    const db = openDatabase(join(tempDir(), 'j.db'), { busyTimeoutMs: 1000 })
    migrate(db, clock)
    const sqls = db
      .prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .pluck()
      .all() as string[]
    for (const sql of sqls) expect(sql).toMatch(/STRICT\s*$/)
    db.close()
  })

  it('refuses an edited migration and leaves the file untouched', () => {
    const path = join(tempDir(), 'j.db')
    const db = openDatabase(path, { busyTimeoutMs: 1000 })
    migrate(db, clock, migrationsIn(base))
    db.close()
    const before = readFileSync(path)
    const edited = migrationsIn({ ...base, '0001_a.sql': 'CREATE TABLE a (x INTEGER, z INTEGER) STRICT;' })
    const again = openDatabase(path, { busyTimeoutMs: 1000 })
    const err = errorThrownBy(() => migrate(again, clock, edited))
    again.close()
    expect(err.code).toBe('SCHEMA_MISMATCH')
    expect(err.message).toMatch(/0001_a\.sql was changed/)
    expect(readFileSync(path).equals(before)).toBe(true)
  })

  it('refuses a database newer than the code and leaves the file untouched', () => {
    const path = join(tempDir(), 'j.db')
    const db = openDatabase(path, { busyTimeoutMs: 1000 })
    migrate(db, clock, migrationsIn(base))
    db.close()
    const before = readFileSync(path)
    const older = openDatabase(path, { busyTimeoutMs: 1000 })
    const err = errorThrownBy(() => migrate(older, clock, migrationsIn({ '0001_a.sql': base['0001_a.sql'] })))
    older.close()
    expect(err.code).toBe('SCHEMA_MISMATCH')
    expect(err.message).toMatch(/version 2 .* knows only up to 1/)
    expect(readFileSync(path).equals(before)).toBe(true)
  })

  it('rolls back a migration that fails halfway, leaving no partial schema', () => {
    const path = join(tempDir(), 'j.db')
    const db = openDatabase(path, { busyTimeoutMs: 1000 })
    const broken = migrationsIn({
      ...base,
      '0003_c.sql':
        'CREATE TABLE c1 (x INTEGER) STRICT;\nCREATE TABLE c2 (x INTEGER) STRICT;\nINSERT INTO nope VALUES (1);',
    })
    const err = errorThrownBy(() => migrate(db, clock, broken))
    expect(err.code).toBe('MIGRATION_FAILED')
    expect(err.message).toMatch(/0003_c\.sql failed and was rolled back/)
    const versions = db.prepare('SELECT version FROM schema_migrations').pluck().all()
    db.close()
    expect(versions).toEqual([1, 2])
    expect(tables(path)).toEqual(['a', 'b', 'schema_migrations'])
  })

  it('refuses gaps in migration numbers', () => {
    expect(() => migrationsIn({ '0001_a.sql': 'SELECT 1;', '0003_c.sql': 'SELECT 1;' })).toThrow(/without gaps/)
  })
})
