import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createSilentLogger } from '../../src/log/logger.js'
import { createSystemClock } from '../../src/shared/clock.js'
import type { SimulatorOptions } from '../../src/simulator/options.js'
import { Simulator } from '../../src/simulator/simulator.js'
import { ChaosDaemon } from '../../test/chaos/daemon.js'
import { type DaemonSetup, makeTills, type TillIdentity, writeDaemonSetup } from '../../test/helpers/daemon-setup.js'
import { freePort } from '../../test/helpers/free-port.js'
import { type SimEndpoint, startSimulatorProcess } from './sim-process.js'

export interface BenchDaemon {
  sim: SimEndpoint
  daemon: ChaosDaemon
  setup: DaemonSetup
  tills: TillIdentity[]
  stop(): Promise<void>
}

export interface BenchDaemonOptions {
  dir: string
  tills: number
  payments?: Record<string, unknown>
  sim?: Partial<SimulatorOptions>
  /** Extra environment for the daemon (TILLBRIDGE_TRACE_FILE, …). */
  env?: NodeJS.ProcessEnv
  /** A command that execs the daemon (bench/profile.ts adds `--cpu-prof` this way). */
  wrapper?: string[]
  /** Run the simulator as a process of its own (`tillbridge simulator`) instead of in this one. */
  simProcess?: boolean
}

/**
 * The real daemon (dist/main.js, a child process so its memory is its own) against a simulator
 * in this process, with `tills` tills configured. Started and ready.
 */
export async function startBenchDaemon(o: BenchDaemonOptions): Promise<BenchDaemon> {
  const sim = o.simProcess ? await startSimulatorProcess() : await startInProcess(o.sim)
  const tills = makeTills(o.tills, 'till', 7)
  const setup = writeDaemonSetup({
    dir: o.dir,
    simulatorUrl: sim.baseUrl,
    gatewayPort: await freePort(),
    tills,
    logLevel: 'info',
    ...(o.payments ? { payments: o.payments } : {}),
  })
  const daemon = new ChaosDaemon({
    configFile: setup.configFile,
    logFile: join(o.dir, 'daemon.log'),
    ...(o.env ? { env: o.env } : {}),
    ...(o.wrapper ? { wrapper: o.wrapper } : {}),
  })
  await daemon.start()
  return {
    sim,
    daemon,
    setup,
    tills,
    async stop() {
      await daemon.stop()
      await sim.stop()
    },
  }
}

async function startInProcess(options: Partial<SimulatorOptions> | undefined): Promise<SimEndpoint> {
  const sim = new Simulator({ clock: createSystemClock(), log: createSilentLogger(), ...options })
  await sim.start()
  return sim
}

/** Resident set size of a process, from /proc (bytes). */
export function rssOf(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]
  return kb === undefined ? Number.NaN : Number(kb) * 1024
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = performance.now() + timeoutMs
  while (!condition()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(5)
  }
}

export const MB = 1024 * 1024
