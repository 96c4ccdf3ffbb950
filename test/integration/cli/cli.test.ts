import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { MAIN_JS, startDaemon } from '../../helpers/daemon-process.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const tempDir = useTempDir()

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [MAIN_JS, ...args], {
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

function configFile(value: unknown): { file: string; dir: string } {
  const dir = tempDir()
  const file = join(dir, 'config.json')
  writeFileSync(file, JSON.stringify(value))
  return { file, dir }
}

describe('tillbridge CLI', () => {
  it('prints help and its version', () => {
    expect(cli(['--help']).stdout).toMatch(/Commands:[\s\S]*check-config/)
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'))
    expect(cli(['--version']).stdout.trim()).toBe(pkg.version)
  })

  it('rejects an unknown command or flag with the usage exit code', () => {
    expect(cli(['frobnicate']).code).toBe(64)
    const r = cli(['check-config', '--bogus'])
    expect(r.code).toBe(64)
    expect(r.stderr).toMatch(/--bogus/)
  })

  it('check-config prints all three mistakes with their paths and exits 78', () => {
    const { file } = configFile({ gateway: { port: -1, tills: 'none' }, journal: { pth: 'x' } })
    const r = cli(['check-config', '--config', file])
    expect(r.code).toBe(78)
    expect(r.stderr).toMatch(/3 problem\(s\)/)
    expect(r.stderr).toMatch(/- gateway\.port: /)
    expect(r.stderr).toMatch(/- gateway\.tills: /)
    expect(r.stderr).toMatch(/- journal\.pth: unknown key/)
  })

  it('a Vipps-System-* value that is not printable ASCII is a config error (78), not an endless retry', () => {
    const { file } = configFile({ provider: { system: { name: 'Kassé 3000', pluginVersion: '1.0\u2011beta' } } })
    const r = cli(['check-config', '--config', file])
    expect(r.code).toBe(78)
    expect(r.stderr).toMatch(/- provider\.system\.name: must be printable ASCII/)
    expect(r.stderr).toMatch(/- provider\.system\.pluginVersion: must be printable ASCII/)
  })

  it('the Vipps-System versions default to the package version', async () => {
    const { configSchema } = await import('../../../src/config/schema.js')
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'))
    const { system } = configSchema.parse({}).provider
    expect([system.version, system.pluginVersion]).toEqual([pkg.version, pkg.version])
  })

  it('check-config names the file and position of malformed JSON', () => {
    const dir = tempDir()
    const file = join(dir, 'broken.json')
    writeFileSync(file, '{"gateway": {"port": 8787,,}}')
    const r = cli(['check-config', '--config', file])
    expect(r.code).toBe(78)
    expect(r.stderr).toContain(`${file}: malformed JSON at line 1, column 27`)
  })

  it('run exits 78 naming an unreadable secret file', () => {
    const { file } = configFile({ gateway: { tills: [{ id: 't', token: { file: '/nonexistent/token' } }] } })
    const r = cli(['run', '--config', file])
    expect(r.code).toBe(78)
    expect(r.stderr).toContain('gateway.tills.0.token: cannot read /nonexistent/token')
  })

  it('migrate applies migrations, then refuses an edited migration and a too-new journal with 79', () => {
    const dir = tempDir()
    const journal = join(dir, 'j.db')
    const { file } = configFile({ journal: { path: journal } })
    expect(cli(['migrate', '--config', file]).stdout).toMatch(/applied 0001_init/)
    expect(cli(['migrate', '--config', file]).stdout).toMatch(/up to date/)

    const tamper = (sql: string) => {
      const db = new Database(journal)
      db.exec(sql)
      db.close()
    }
    const original = readFileSync(new URL('../../../migrations/0001_init.sql', import.meta.url))
    const checksum = createHash('sha256').update(original).digest('hex')
    tamper("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1")
    const before = readFileSync(journal)
    const edited = cli(['migrate', '--config', file])
    expect(edited.code).toBe(79)
    expect(edited.stderr).toMatch(/was changed after it was applied/)
    expect(cli(['run', '--config', file]).code).toBe(79)
    expect(readFileSync(journal).equals(before)).toBe(true)

    tamper(
      `UPDATE schema_migrations SET checksum = '${checksum}' WHERE version = 1; INSERT INTO schema_migrations VALUES (999, 'future', 'x', 0)`,
    )
    const tooNew = cli(['run', '--config', file])
    expect(tooNew.code).toBe(79)
    expect(tooNew.stderr).toMatch(/version 999/)
  })

  it('run names a port that is already taken and exits 1, not as a bug', async () => {
    const { createServer } = await import('node:net')
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const port = (blocker.address() as { port: number }).port
    const dir = tempDir()
    const { file } = configFile({ journal: { path: join(dir, 'j.db') }, gateway: { port: 0 }, admin: { port } })
    const r = cli(['run', '--config', file])
    blocker.close()
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`cannot listen on 127.0.0.1:${port}: the address is already in use`)
  })

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`run logs a JSON ready line and exits 0 on ${signal}`, async () => {
      const dir = tempDir()
      const { file } = configFile({ journal: { path: join(dir, 'j.db') }, gateway: { port: 0 }, admin: { port: 0 } })
      const daemon = startDaemon(['run', '--config', file])
      const ready = await daemon.waitForLine((l) => l.message === 'ready')
      expect(ready.level).toBe('info')
      expect(Array.isArray(ready.listening)).toBe(true)
      daemon.child.kill(signal)
      expect(await daemon.exited).toEqual({ code: 0, signal: null })
      expect(daemon.lines.some((l) => l.message === 'stopped')).toBe(true)
    })
  }
})
