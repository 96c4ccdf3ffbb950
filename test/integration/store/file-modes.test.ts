import { spawnSync } from 'node:child_process'
import { mkdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createSilentLogger } from '../../../src/log/logger.js'
import { NightlyReconcile } from '../../../src/ops/reconcile/nightly-job.js'
import { ManualClock } from '../../../src/shared/manual-clock.js'
import { openDatabase } from '../../../src/store/db.js'
import { MAIN_JS } from '../../helpers/daemon-process.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const tempDir = useTempDir()
const mode = (path: string) => statSync(path).mode & 0o777

// The loosest umask there is: every mode below was set by tillbridge, not left to the umask.
let saved = 0
beforeEach(() => {
  saved = process.umask(0)
})
afterEach(() => {
  process.umask(saved)
})

describe('private files whatever the umask', () => {
  it('creates the data folder 0700 and the journal, its -wal and its -shm 0600', () => {
    const dir = join(tempDir(), 'data', 'nested')
    const path = join(dir, 'journal.db')
    const db = openDatabase(path, { busyTimeoutMs: 1000 })
    try {
      db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)')
      expect(mode(dir)).toBe(0o700)
      expect(mode(join(dir, '..'))).toBe(0o700)
      for (const file of [path, `${path}-wal`, `${path}-shm`]) expect(mode(file).toString(8), file).toBe('600')
    } finally {
      db.close()
    }
  })

  it('writes reconcile reports 0600 in a 0700 folder', async () => {
    const dir = join(tempDir(), 'reconcile')
    const clock = new ManualClock(Date.UTC(2026, 0, 10, 12))
    const job = new NightlyReconcile({
      cron: '40 2 * * *',
      timeZone: 'UTC',
      dir,
      clock,
      log: createSilentLogger(),
      reconcile: async (date) => ({
        date,
        timeZone: 'UTC',
        start: 0,
        end: 0,
        lines: [],
        unknownAtVipps: [],
        totals: {},
      }),
    })
    await job.start()
    try {
      await clock.advance(60_000)
      await job.runDue()
      expect(mode(dir)).toBe(0o700)
      expect(mode(join(dir, 'reconcile-2026-01-09.txt')).toString(8)).toBe('600')
      expect(mode(join(dir, 'reconcile-2026-01-09.csv')).toString(8)).toBe('600')
    } finally {
      await job.stop()
    }
  })

  it('exits 74 naming the path when the journal folder cannot be written', () => {
    // Root may write anywhere but a read-only file system; others are stopped by a 0500 folder.
    const root = process.getuid?.() === 0
    const parent = root ? '/sys/kernel' : join(tempDir(), 'locked')
    if (!root) mkdirSync(parent, { mode: 0o500 })
    for (const path of [join(parent, 'journal.db'), join(parent, 'sub', 'journal.db')]) {
      const dir = tempDir()
      const config = join(dir, 'config.json')
      writeFileSync(config, JSON.stringify({ journal: { path }, admin: { enabled: false }, gateway: { port: 0 } }))
      const r = spawnSync(process.execPath, [MAIN_JS, 'run', '--config', config], {
        env: { PATH: process.env.PATH },
        encoding: 'utf8',
        timeout: 15_000,
      })
      expect(r.status, r.stderr).toBe(74)
      expect(r.stderr).toContain(parent)
    }
  })
})
