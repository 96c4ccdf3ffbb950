import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { createSilentLogger } from '../../../src/log/logger.js'
import { createSystemClock } from '../../../src/shared/clock.js'
import { Simulator } from '../../../src/simulator/simulator.js'
import { type DaemonProcess, startDaemon } from '../../helpers/daemon-process.js'
import { makeTills, writeDaemonSetup } from '../../helpers/daemon-setup.js'
import { freePort } from '../../helpers/free-port.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const tempDir = useTempDir()
const RECORDER = pathToFileURL(join(import.meta.dirname, '..', '..', 'helpers', 'record-imports.mjs')).href

/** What `run` with provider `vipps` never needs: each would cost memory and start-up time. */
const NEVER_IN_RUN = [
  '/dist/simulator/simulator.js',
  '/dist/certify/',
  '/dist/cli/till.js',
  '/dist/cli/certify.js',
  '/dist/cli/doctor.js',
  '/dist/cli/simulator.js',
  '/dist/ops/doctor/doctor.js',
  '/dist/protocol/asyncapi.js',
  '/dist/protocol/json-schema.js',
  '/node_modules/qrcode/',
]

let daemon: DaemonProcess | undefined
let sim: Simulator | undefined
afterEach(async () => {
  daemon?.child.kill('SIGKILL')
  await daemon?.exited
  daemon = undefined
  await sim?.stop()
  sim = undefined
})

/** Runs `tillbridge run` on `configFile` until ready and returns every module URL it resolved. */
async function modulesOfRun(dir: string, configFile: string): Promise<string[]> {
  const file = join(dir, 'imports.txt')
  daemon = startDaemon(['run', '--config', configFile], {
    NODE_OPTIONS: `--import=${RECORDER}`,
    RECORD_IMPORTS_FILE: file,
  })
  await daemon.waitForLine((l) => l.message === 'ready')
  return readFileSync(file, 'utf8').split('\n').filter(Boolean)
}

describe('tillbridge run loads only what it uses', () => {
  it('with provider vipps: no simulator, certify, doctor, QR rendering or protocol documents', async () => {
    const dir = tempDir()
    sim = new Simulator({ clock: createSystemClock(), log: createSilentLogger() })
    await sim.start()
    const setup = writeDaemonSetup({
      dir,
      simulatorUrl: sim.baseUrl,
      gatewayPort: await freePort(),
      tills: makeTills(1),
    })
    const modules = await modulesOfRun(dir, setup.configFile)
    expect(modules.some((m) => m.endsWith('/dist/cli/run.js'))).toBe(true)
    expect(modules.some((m) => m.endsWith('/dist/gateway/server.js'))).toBe(true)
    expect(modules.filter((m) => NEVER_IN_RUN.some((n) => m.includes(n)))).toEqual([])
  })

  it('with provider simulator: the simulator is loaded, as it is needed', async () => {
    const dir = tempDir()
    const configFile = join(dir, 'config.json')
    writeFileSync(
      configFile,
      JSON.stringify({ journal: { path: join(dir, 'j.db') }, gateway: { port: 0 }, admin: { port: 0 } }),
    )
    const modules = await modulesOfRun(dir, configFile)
    expect(modules.some((m) => m.endsWith('/dist/simulator/simulator.js'))).toBe(true)
    expect(modules.some((m) => m.includes('/dist/certify/'))).toBe(false)
  })
})
