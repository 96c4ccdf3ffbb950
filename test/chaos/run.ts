import { join } from 'node:path'
import { FINAL_STATUSES, type Payment } from '../../src/client/index.js'
import { createSilentLogger } from '../../src/log/logger.js'
import { createSystemClock } from '../../src/shared/clock.js'
import { Prng } from '../../src/simulator/prng.js'
import { Simulator } from '../../src/simulator/simulator.js'
import { makeTills, writeDaemonSetup } from '../helpers/daemon-setup.js'
import { freePort } from '../helpers/free-port.js'
import { checkRun, type Violation } from './check.js'
import { ChaosDaemon } from './daemon.js'
import { FaultSchedule } from './fault-schedule.js'
import { type LedgerPayment, type PaymentRecord, paymentId, type RunRecord } from './records.js'
import { tally } from './refusal-phase.js'
import { ChaosTill } from './till.js'

export interface ChaosOptions {
  /** Fixes every random choice (sales, kills, crashes, faults); timing still varies run to run. */
  seed: number
  /** How long tills sell under fire; settling comes after. */
  durationMs: number
  /** Stop selling after this many daemon kills, if that comes before `durationMs`. */
  kills?: number
  tills: number
  /** Where the journal, config and daemon log go. */
  dir: string
  /** SIGKILL the daemon after a pause drawn from this range (ms), then restart it. */
  killEveryMs?: [number, number]
  /** Crash one till after a pause drawn from this range (ms); it comes back 0.1–1.5 s later. */
  tillCrashEveryMs?: [number, number]
  /** Each fault phase lasts this long (ms). */
  faultPhaseMs?: [number, number]
  /** How long settling may take before the run gives up on a payment. @defaultValue 120000 */
  settleTimeoutMs?: number
  /** TILLBRIDGE_TEST_HOOKS for the daemon (the self-check's deliberately broken build). */
  testHooks?: string
  progress?: (line: string) => void
}

export interface ChaosReport {
  options: ChaosOptions
  startedAt: string
  elapsedMs: number
  daemonStarts: number
  daemonKills: number
  tillCrashes: number
  faultPhases: string[]
  /** Refusals scripted per `operation code`, and those the simulator answered per code. */
  refusals: { scripted: Record<string, number>; answered: Record<string, number> }
  run: RunRecord
  violations: Violation[]
}

/** Customers act in a moment, and an ignored payment expires at "Vipps" after 15 s. */
const SIM_EXPIRY_MS = 15_000

const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const between = (rng: Prng, [min, max]: [number, number]) => min + rng.int(Math.max(1, max - min))

/**
 * One chaos run: the simulator here (it outlives the daemon, as Vipps does), the real daemon as
 * a child process killed and restarted at random, tills selling through the client library and
 * crashing at random, faults switching over time. Then faults off, simulator time moved on so
 * every customer acts, every payment followed to its end, and the checker's verdict.
 */
export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const say = o.progress ?? (() => {})
  const sim = new Simulator({
    clock: createSystemClock(),
    log: createSilentLogger(),
    seed: o.seed,
    approveDelayMs: 300,
    autoScanAfterMs: 400,
    expiryMs: SIM_EXPIRY_MS,
    tokenTtlSeconds: 300,
    rateLimitScale: 20,
  })
  await sim.start()
  const identities = makeTills(o.tills, 'till', o.seed)
  const setup = writeDaemonSetup({
    dir: o.dir,
    simulatorUrl: sim.baseUrl,
    gatewayPort: await freePort(),
    tills: identities,
    payments: { modificationsPerMinute: 100 },
  })
  const daemon = new ChaosDaemon({
    configFile: setup.configFile,
    env: o.testHooks ? { TILLBRIDGE_TEST_HOOKS: o.testHooks } : {},
    logFile: join(o.dir, 'daemon.log'),
  })
  const payments: PaymentRecord[] = []
  let giveUpAt = Number.POSITIVE_INFINITY
  const tills = identities.map(
    (identity, i) =>
      new ChaosTill({
        identity,
        url: setup.tillUrl,
        rng: new Prng(o.seed + 1 + i),
        payments,
        giveUpAt: () => giveUpAt,
      }),
  )
  const faultPhases: string[] = []
  const scripted: Record<string, number> = {}
  const startedAt = Date.now()
  const load = new Load(startedAt + o.durationMs)
  const pause = (ms: number) => load.pause(ms)

  try {
    await daemon.start()
    for (const till of tills) till.boot(true)
    const setFaults = (faults: unknown) => simControl(sim.baseUrl, 'POST', '/faults', faults)
    await Promise.all([
      killLoop(daemon, new Prng(o.seed ^ 0x6b696c6c), o.killEveryMs ?? [800, 3000], pause, () => {
        if (o.kills !== undefined && daemon.kills >= o.kills) load.end()
      }),
      faultLoop(new FaultSchedule(new Prng(o.seed ^ 0x6661756c)), o.faultPhaseMs ?? [2000, 6000], pause, (p) => {
        faultPhases.push(p.name)
        const refusals = p.refusals ?? []
        tally(scripted, refusals)
        return Promise.all([
          setFaults(p.faults),
          ...refusals.map((r) => simControl(sim.baseUrl, 'POST', '/refusals', r)),
        ])
      }),
      crashLoop(tills, new Prng(o.seed ^ 0x63726173), o.tillCrashEveryMs ?? [1500, 5000], pause),
      progressLoop(
        say,
        pause,
        () => `${payments.length} sales, ${daemon.kills} daemon kills, phase ${faultPhases.at(-1)}`,
      ),
    ])

    say('selling stopped; faults off; settling')
    giveUpAt = Date.now() + (o.settleTimeoutMs ?? 120_000)
    await simControl(sim.baseUrl, 'DELETE', '/faults')
    await simControl(sim.baseUrl, 'DELETE', '/refusals')
    await Promise.all(tills.map((t) => t.stopSelling()))
    say(`every till finished its last sale after ${seconds(load.endsAt)} s; following ${payments.length} payments`)
    const finals = await settle(tills, payments, sim, giveUpAt)
    say(`settled after ${seconds(load.endsAt)} s`)
    for (const till of tills) await till.catchUp(10_000)
    const { payments: ledger } = (await simControl(sim.baseUrl, 'GET', '/payments')) as { payments: LedgerPayment[] }
    const { answered } = (await simControl(sim.baseUrl, 'GET', '/refusals')) as { answered: Record<string, number> }
    const stopped = await daemon.stop()
    if (stopped && stopped.code !== 0) daemon.unexpectedExits.push(stopped)

    const run: RunRecord = {
      payments,
      tills: tills.map((t) => t.log),
      finals,
      ledger,
      unexpectedExits: daemon.unexpectedExits,
      refusedCreateCodes: Object.keys(scripted)
        .filter((k) => k.startsWith('create '))
        .map((k) => k.slice('create '.length)),
    }
    return {
      options: o,
      startedAt: new Date(startedAt).toISOString(),
      elapsedMs: Date.now() - startedAt,
      daemonStarts: daemon.starts,
      daemonKills: daemon.kills,
      tillCrashes: tills.reduce((n, t) => n + t.log.crashes, 0),
      faultPhases,
      refusals: { scripted, answered },
      run,
      violations: checkRun(run),
    }
  } finally {
    await Promise.all(tills.map((t) => t.close()))
    await daemon.kill()
    await sim.stop()
  }
}

/** Sleeps `ms`, or less if selling ends first; false once it has ended. */
type Pause = (ms: number) => Promise<boolean>

/** When selling ends: at a set time, or earlier when told. Pauses wake at the end. */
class Load {
  endsAt: number
  readonly #wake = new Set<() => void>()

  constructor(endsAt: number) {
    this.endsAt = endsAt
  }

  end(): void {
    this.endsAt = Math.min(this.endsAt, Date.now())
    for (const wake of this.#wake) wake()
  }

  async pause(ms: number): Promise<boolean> {
    const left = this.endsAt - Date.now()
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.#wake.delete(done)
        resolve()
      }
      const timer = setTimeout(done, Math.max(0, Math.min(ms, left)))
      this.#wake.add(done)
    })
    return ms < left && Date.now() < this.endsAt
  }
}

async function killLoop(daemon: ChaosDaemon, rng: Prng, every: [number, number], pause: Pause, killed: () => void) {
  while (await pause(between(rng, every))) {
    await daemon.kill()
    await sleep(rng.int(300))
    await daemon.start()
    killed()
  }
}

async function faultLoop(schedule: FaultSchedule, every: [number, number], pause: Pause, apply: ApplyPhase) {
  const rng = new Prng(every[0] + every[1])
  do await apply(schedule.next())
  while (await pause(between(rng, every)))
}

type ApplyPhase = (phase: ReturnType<FaultSchedule['next']>) => Promise<unknown>

async function crashLoop(tills: ChaosTill[], rng: Prng, every: [number, number], pause: Pause) {
  while (await pause(between(rng, every))) {
    const till = tills[rng.int(tills.length)]
    if (!till) continue
    await till.crash()
    await sleep(100 + rng.int(1400))
    till.boot(true)
  }
}

async function progressLoop(say: (line: string) => void, pause: Pause, line: () => string) {
  const started = Date.now()
  while (await pause(10_000)) say(`${Math.round((Date.now() - started) / 1000)} s: ${line()}`)
}

function atRest(final: Payment | undefined): boolean {
  return !final || FINAL_STATUSES.includes(final.status) || final.status === 'partially_refunded'
}

/**
 * Follows every payment until it is at rest, moving the simulator's time on now and then so that
 * customers who never act expire and slow ones approve. Returns the daemon's last answers.
 */
async function settle(tills: ChaosTill[], payments: PaymentRecord[], sim: Simulator, giveUpAt: number) {
  const byTill = new Map(tills.map((t) => [t.log.tillId, t]))
  const finals = new Map<string, Payment | undefined>()
  let open = payments
  let advancedAt = 0
  while (open.length > 0) {
    if (Date.now() - advancedAt > 5000) {
      sim.clock.advance(SIM_EXPIRY_MS + 30_000)
      advancedAt = Date.now()
    }
    for (const p of open) finals.set(paymentId(p.tillId, p.key), await byTill.get(p.tillId)?.lookUp(p.key))
    open = open.filter((p) => !atRest(finals.get(paymentId(p.tillId, p.key))))
    if (open.length === 0 || Date.now() > giveUpAt) break
    await sleep(500)
  }
  return finals
}

async function simControl(baseUrl: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${baseUrl}/_sim${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  if (!res.ok) throw new Error(`simulator ${method} ${path}: ${res.status} ${await res.text()}`)
  return res.status === 204 ? undefined : res.json()
}
