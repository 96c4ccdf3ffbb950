import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { createSilentLogger } from '../../../src/log/logger.js'
import { createSystemClock } from '../../../src/shared/clock.js'
import { EXIT } from '../../../src/shared/exit-codes.js'
import { Simulator } from '../../../src/simulator/simulator.js'
import { type DaemonProcess, MAIN_JS, startDaemon } from '../../helpers/daemon-process.js'
import { makeTills, writeDaemonSetup } from '../../helpers/daemon-setup.js'
import { freePort } from '../../helpers/free-port.js'
import { useTempDir } from '../../helpers/temp-dir.js'

/**
 * One journal, one owner: a second `tillbridge run` on a journal in use exits at once naming the
 * holder, the read-only commands still work beside the daemon, and a SIGKILLed daemon leaves no
 * stale lock behind (the kernel drops it), so the next `run` starts.
 */

const tempDir = useTempDir('tillbridge-lock-')
const stops: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop()
})

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [MAIN_JS, ...args], {
    env: { PATH: process.env.PATH },
    encoding: 'utf8',
    timeout: 30_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

async function setUp() {
  const sim = new Simulator({ clock: createSystemClock(), log: createSilentLogger() })
  await sim.start()
  stops.push(() => sim.stop())
  const setup = writeDaemonSetup({
    dir: tempDir(),
    simulatorUrl: sim.baseUrl,
    gatewayPort: await freePort(),
    tills: makeTills(1),
  })
  return setup
}

async function runDaemon(configFile: string): Promise<DaemonProcess> {
  const daemon = startDaemon(['run', '--config', configFile])
  stops.push(async () => {
    if (daemon.child.exitCode === null && daemon.child.signalCode === null) daemon.child.kill('SIGKILL')
    await daemon.exited
  })
  await daemon.waitForLine((l) => l.message === 'ready', 30_000)
  return daemon
}

describe('one journal, one owner', () => {
  it('a second run exits with the documented code naming the holder; read-only commands still work', async () => {
    const setup = await setUp()
    const first = await runDaemon(setup.configFile)
    const pid = first.child.pid

    const started = Date.now()
    const second = cli(['run', '--config', setup.configFile])
    expect(second.code, second.stderr).toBe(EXIT.JOURNAL_LOCKED)
    expect(second.code).toBe(75)
    expect(second.stderr).toContain(`journal ${setup.journal} is in use by PID ${pid}`)
    expect(Date.now() - started).toBeLessThan(10_000) // at once, not after a busy timeout

    for (const args of [['payments', 'list'], ['reconcile'], ['doctor']]) {
      const r = cli([...args, '--config', setup.configFile])
      expect(r.stderr, args.join(' ')).not.toMatch(/in use by|JOURNAL_LOCKED|locked/i)
      expect([EXIT.OK, EXIT.CHECK_FAILED], `${args.join(' ')}: ${r.stderr}`).toContain(r.code)
    }
    // The first daemon was not disturbed by any of it.
    expect(first.child.exitCode).toBeNull()
  })

  it('after SIGKILL of the holder, a new run starts at once', async () => {
    const setup = await setUp()
    const first = await runDaemon(setup.configFile)
    first.child.kill('SIGKILL')
    await first.exited
    expect(existsSync(`${setup.journal}.lock.pid`)).toBe(true) // SIGKILL leaves the file, not the lock
    const next = await runDaemon(setup.configFile)
    expect(next.lines.find((l) => l.message === 'journal lock taken')?.pid).toBe(next.child.pid)
    next.child.kill('SIGTERM')
    expect((await next.exited).code).toBe(EXIT.OK)
    expect(existsSync(`${setup.journal}.lock.pid`)).toBe(false) // a clean stop removes it
  })
})
