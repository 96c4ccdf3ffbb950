import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { TillClient, TillClientError } from '../../../src/client/index.js'
import { sha256Hex } from '../../../src/config/secrets.js'
import { EXIT } from '../../../src/shared/exit-codes.js'
import { type DaemonProcess, startDaemon } from '../../helpers/daemon-process.js'
import { freePort } from '../../helpers/free-port.js'
import { useTempDir } from '../../helpers/temp-dir.js'

/**
 * A storage failure on a write, for real: the journal lives on a 1 MiB tmpfs that fills up while
 * a till keeps paying. The request whose write fails is not accepted, the daemon exits 74, and
 * after more space and a restart every payment the till was told was accepted is there and the
 * journal is intact. Needs permission to mount a tmpfs; skipped (with the reason) without it.
 */

const tempDir = useTempDir('tillbridge-full-')
const TOKEN = 'disk-full-till-token-0123456789'
let mountPoint: string | undefined
let skipReason: string | undefined

function tryMount(dir: string): string | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'pipe' })
    return undefined
  } catch (err) {
    return `cannot mount a tmpfs here (${(err as Error).message.split('\n')[0]})`
  }
}

beforeEach(() => {
  const dir = join(tempDir(), 'state')
  mkdirSync(dir)
  skipReason = process.platform === 'linux' ? tryMount(dir) : 'not Linux'
  if (skipReason) console.warn(`disk-full test skipped: ${skipReason}`)
  else mountPoint = dir
})

// Registered after useTempDir's: runs before the temp directory is removed.
afterEach(() => {
  if (mountPoint) execFileSync('umount', ['-l', mountPoint])
  mountPoint = undefined
})

const metadata = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`k${i}`, 'x'.repeat(500)]))
const sale = (key: string) => ({
  key,
  amount: { value: 1000, currency: 'NOK' as const },
  flow: 'qr' as const,
  capture: 'manual' as const,
  metadata,
})

describe('a full disk', () => {
  it('accepts nothing it cannot store, exits 74, and restarts consistent', { timeout: 60_000 }, async (ctx) => {
    if (!mountPoint) {
      ctx.skip()
      return
    }
    const port = await freePort()
    const config = join(tempDir(), 'config.json')
    const journal = join(mountPoint, 'journal.db')
    writeFileSync(
      config,
      JSON.stringify({
        journal: { path: journal },
        gateway: { port, maxRequestsPerSecond: 10_000, tills: [{ id: 'till-1', tokenSha256: sha256Hex(TOKEN) }] },
        admin: { enabled: false },
      }),
    )
    const start = async (): Promise<DaemonProcess> => {
      const d = startDaemon(['run', '--config', config])
      await d.waitForLine((l) => l.message === 'ready')
      return d
    }
    const url = `ws://127.0.0.1:${port}/v1`

    const first = await start()
    const till = new TillClient({
      url,
      token: TOKEN,
      reconnect: { minDelayMs: 50, maxDelayMs: 200 },
      requestTimeoutMs: 3000,
    })
    await till.connect()
    const accepted: string[] = []
    let refused: { key: string; code: string } | undefined
    for (let i = 0; i < 5000 && !refused; i++) {
      const key = `sale-${i}`
      try {
        await till.createPayment(sale(key))
        accepted.push(key)
      } catch (err) {
        if (!(err instanceof TillClientError)) throw err
        refused = { key, code: err.code }
      }
    }
    await till.close()
    // Not accepted: an UNAVAILABLE answer, or no answer at all when the daemon went first.
    expect(['UNAVAILABLE', 'TIMEOUT']).toContain(refused?.code)
    expect(accepted.length).toBeGreaterThan(0)
    expect((await first.exited).code).toBe(EXIT.STORAGE)

    execFileSync('mount', ['-o', 'remount,size=16m', mountPoint])
    const second = await start()
    const again = new TillClient({ url, token: TOKEN })
    await again.connect()
    for (const key of accepted) expect((await again.getPayment(key)).payment.key).toBe(key)
    // The refused request left either nothing or a whole payment; sending it again settles it.
    const retried = await again.createPayment(sale(refused?.key ?? ''))
    expect(retried.payment.key).toBe(refused?.key)
    await again.close()
    second.child.kill('SIGTERM')
    expect((await second.exited).code).toBe(0)

    const db = new Database(journal, { readonly: true })
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    const rows = db.prepare('SELECT COUNT(*) FROM payments').pluck().get() as number
    expect(rows).toBe(accepted.length + 1)
    const creates = db.prepare("SELECT COUNT(*) FROM provider_operations WHERE kind = 'create'").pluck().get()
    expect(creates).toBe(rows)
    db.close()
  })
})
