import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { type DaemonProcess, MAIN_JS, PACKAGE_ROOT, startDaemon } from '../../helpers/daemon-process.js'
import { freePort } from '../../helpers/free-port.js'
import { useTempDir } from '../../helpers/temp-dir.js'

// The README's Quick start and CLI table, run as written on config/default.json. Only the
// ports and the journal's folder are moved (through the documented TILLBRIDGE_* overrides), so
// that tests running side by side do not collide; everything else is the shipped default.
const tempDir = useTempDir()
let daemon: DaemonProcess | undefined
afterEach(async () => {
  daemon?.child.kill('SIGTERM')
  await daemon?.exited
  daemon = undefined
})

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN_JS, ...args], { env: { PATH: process.env.PATH, ...env } })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (t: string) => {
      out += t
    })
    child.stderr.setEncoding('utf8').on('data', (t: string) => {
      out += t
    })
    child.on('exit', (code) => resolve({ code, out }))
  })
}

describe('every CLI command of the README on the default config', () => {
  it('run, till pay, payments list and show, reconcile, doctor, check-config, migrate', async () => {
    const [gateway, admin, simulator] = [await freePort(), await freePort(), await freePort()]
    const env = {
      TILLBRIDGE_GATEWAY__PORT: String(gateway),
      TILLBRIDGE_ADMIN__PORT: String(admin),
      TILLBRIDGE_SIMULATOR__PORT: String(simulator),
      TILLBRIDGE_JOURNAL__PATH: join(tempDir(), 'tillbridge.db'),
      TZ: 'UTC',
    }
    daemon = startDaemon(['run'], env)
    await daemon.waitForLine((l) => l.message === 'ready', 20_000)

    const pay = await cli(
      ['till', 'pay', '125.50', '--phone', '4791234561', '--url', `ws://127.0.0.1:${gateway}/v1`],
      env,
    )
    expect(pay.code, pay.out).toBe(0)

    const list = await cli(['payments', 'list'], env)
    expect(list.code, list.out).toBe(0)
    expect(list.out).toContain('captured')
    const reference = /\btb-[a-z]{6}-[0-9a-z]+\b/.exec(list.out)?.[0]
    expect(reference, list.out).toBeDefined()
    const show = await cli(['payments', 'show', reference as string], env)
    expect(show.code, show.out).toBe(0)

    // reconcile reaches the daemon's embedded simulator, which alone knows the payments, only
    // through a fixed port: config/default.json must keep one (the test moves it, as above).
    const shipped = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'config/default.json'), 'utf8'))
    expect(shipped.simulator.port).toBeGreaterThan(0)
    const reconcile = await cli(['reconcile'], env)
    expect(reconcile.code, reconcile.out).toBe(0)
    expect(reconcile.out).toContain('1 payment(s) in the journal; 0 discrepancies')

    const doctor = await cli(['doctor'], env)
    expect(doctor.code, doctor.out).toBe(0)
    expect((await cli(['check-config'], env)).code).toBe(0)
    expect((await cli(['migrate'], env)).code).toBe(0)
  }, 60_000)
})
