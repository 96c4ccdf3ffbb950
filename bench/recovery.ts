/**
 * Recovery after a restart with 10,000 payments in flight, half of them never sent and half sent
 * with the answer lost (their create is marked as attempted and the simulator has it). The daemon
 * starts against the simulator with Vipps' real rate limits and production timings; every request
 * is recorded there and counted per reference and minute. Timed until every payment is captured.
 */
import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { createSilentLogger } from '../src/log/logger.js'
import { createSystemClock } from '../src/shared/clock.js'
import type { Exchange } from '../src/simulator/request-log.js'
import { Simulator } from '../src/simulator/simulator.js'
import { ChaosDaemon } from '../test/chaos/daemon.js'
import { makeTills, writeDaemonSetup } from '../test/helpers/daemon-setup.js'
import { freePort } from '../test/helpers/free-port.js'
import { sleep } from './lib/daemon.js'
import { acceptMany, openEngine } from './lib/engine.js'
import { type BenchSection, round } from './lib/results.js'
import { type TargetId, target } from './lib/targets.js'
import { directVipps } from './lib/vipps-direct.js'

const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 10_000)
const BASELINE = Math.max(1, Math.round(IN_FLIGHT / 10))

/** The daemon's production timings (config defaults), written out because the test setup is fast. */
const PRODUCTION = {
  payments: {
    sendDeadlineMs: 3_600_000,
    pollFirstDelayMs: 5000,
    pollIntervalMs: 2000,
    completerIntervalMs: 30_000,
    retryMinDelayMs: 1000,
    retryMaxDelayMs: 300_000,
  },
  provider: { attemptTimeoutMs: 10_000, deadlineMs: 60_000, retries: 6, minRetryDelayMs: 250, maxRetryDelayMs: 10_000 },
}

interface Call {
  at: number
  reference: string
  kind: 'create' | 'capture' | 'refund' | 'cancel' | 'get'
  status: number
}

interface Recovery {
  seconds: number
  requests: number
  maxModificationsPerMinute: number
  maxReadsPerMinute: number
  tooManyRequests: number
}

export async function benchRecovery(root: string): Promise<BenchSection[]> {
  const small = await recover(mkdtempSync(join(root, 'small-')), BASELINE)
  const big = await recover(mkdtempSync(join(root, 'big-')), IN_FLIGHT)
  const n = IN_FLIGHT.toLocaleString('en-US')
  const baseline = `${BASELINE.toLocaleString('en-US')} in flight`
  /** The big run's figure beside the small one's; a limit holds only if it holds in both. */
  const figure = (label: string, pick: (r: Recovery) => number, unit: string, limit?: TargetId) => ({
    label,
    value: round(pick(big), 1),
    unit,
    baseline: { label: baseline, value: round(pick(small), 1), unit },
    ...(limit ? { target: target(limit, Math.max(pick(big), pick(small))) } : {}),
  })
  return [
    {
      id: 'recovery',
      title: 'Recovery of in-flight payments',
      method:
        `${n} payments in flight when the daemon starts: half never sent, half sent with the answer lost (the ` +
        'simulator has them, the journal has the attempt). Customers approve, payments are auto-captured; timed from ' +
        'spawn until the simulator has captured every one. Every request is counted at the simulator per reference ' +
        `in any 60 s window, against Vipps' limits (5 creates/captures/cancels/refunds, 120 GETs); a limit is met ` +
        `only if both runs keep it. Baseline: ${baseline}.`,
      figures: [
        figure(`${n} in flight recovered and captured`, (r) => r.seconds, 's'),
        figure('requests to Vipps', (r) => r.requests, ''),
        figure(
          'most modifications of one reference in a minute',
          (r) => r.maxModificationsPerMinute,
          '',
          'recoveryModifications',
        ),
        figure('most GETs of one reference in a minute', (r) => r.maxReadsPerMinute, '', 'recoveryReads'),
        figure('answers 429 (rate limited)', (r) => r.tooManyRequests, '', 'recovery429'),
      ],
    },
  ]
}

async function recover(dir: string, count: number): Promise<Recovery> {
  const calls: Call[] = []
  const sim = new Simulator({
    clock: createSystemClock(),
    log: createSilentLogger(),
    approveDelayMs: 500,
    requestLogLimit: 1,
    onExchange: (e) => {
      const call = toCall(e)
      if (call) calls.push(call)
    },
  })
  await sim.start()
  const tills = makeTills(10, 'till', 11)
  const setup = writeDaemonSetup({
    dir,
    simulatorUrl: sim.baseUrl,
    gatewayPort: await freePort(),
    tills,
    ...PRODUCTION,
  })
  const daemon = new ChaosDaemon({ configFile: setup.configFile, logFile: join(dir, 'daemon.log') })
  try {
    await daemon.start() // migrates the journal
    await daemon.stop()
    await fillInFlight(
      setup.journal,
      count,
      tills.map((t) => t.id),
      sim.baseUrl,
    )
    calls.length = 0
    const t0 = performance.now()
    await daemon.start()
    const captured = new Set<string>()
    let seen = 0
    while (captured.size < count) {
      for (; seen < calls.length; seen++) {
        const c = calls[seen] as Call
        if (c.kind === 'capture' && c.status === 200) captured.add(c.reference)
      }
      if (performance.now() - t0 > 30 * 60_000)
        throw new Error(`recovery: ${captured.size} of ${count} captured in 30 min`)
      await sleep(100)
    }
    const seconds = (performance.now() - t0) / 1000
    return { seconds, requests: calls.length, ...limits(calls) }
  } finally {
    await daemon.stop()
    await sim.stop()
  }
}

/** Fills the journal through the engine, then makes half look sent-but-unanswered (and sends them). */
async function fillInFlight(path: string, count: number, tills: string[], simUrl: string): Promise<void> {
  const { engine, journal, close } = await openEngine(path, { payments: PRODUCTION.payments })
  await acceptMany(engine, count, tills, (n) => ({
    key: `inflight-${n}`,
    amount: { value: 1000 + n, currency: 'NOK' },
    flow: 'push',
    customer: { phoneNumber: `479${String(n % 1_000_000).padStart(6, '0')}1` }, // approves after 500 ms
    capture: 'auto',
  }))
  const sent = journal.db
    .prepare<[], { key: string; body: string }>(
      "SELECT idempotency_key AS key, body FROM provider_operations WHERE kind = 'create' AND payment_id % 2 = 0",
    )
    .all()
  journal.db
    .prepare(`UPDATE provider_operations SET state = 'sending', attempts = 1, last_attempt_at = created_at
      WHERE kind = 'create' AND payment_id % 2 = 0`)
    .run()
  await close()
  const post = await directVipps(simUrl)
  for (const op of sent) {
    const res = await post('/epayment/v1/payments', op.body, op.key)
    if (res.status !== 201) throw new Error(`pre-create: ${res.status} ${await res.text()}`)
  }
}

const MODIFY = /^\/epayment\/v1\/payments\/([^/]+)\/(capture|refund|cancel)$/
const READ = /^\/epayment\/v1\/payments\/([^/]+)$/

function toCall(e: Exchange): Call | undefined {
  const at = Date.now()
  if (e.method === 'POST' && e.path === '/epayment/v1/payments') {
    const reference = (JSON.parse(e.requestBody) as { reference?: string }).reference ?? ''
    return { at, reference, kind: 'create', status: e.status }
  }
  const modify = MODIFY.exec(e.path)
  if (e.method === 'POST' && modify) {
    return { at, reference: modify[1] ?? '', kind: modify[2] as Call['kind'], status: e.status }
  }
  const read = READ.exec(e.path)
  if (e.method === 'GET' && read) return { at, reference: read[1] ?? '', kind: 'get', status: e.status }
  return undefined
}

/** The most calls of one reference in any 60 s window, for modifications and for reads; and 429s. */
function limits(calls: Call[]): Pick<Recovery, 'maxModificationsPerMinute' | 'maxReadsPerMinute' | 'tooManyRequests'> {
  const byReference = new Map<string, { modify: number[]; read: number[] }>()
  for (const c of calls) {
    const entry = byReference.get(c.reference) ?? { modify: [], read: [] }
    ;(c.kind === 'get' ? entry.read : entry.modify).push(c.at)
    byReference.set(c.reference, entry)
  }
  let mods = 0
  let reads = 0
  for (const { modify, read } of byReference.values()) {
    mods = Math.max(mods, busiestMinute(modify))
    reads = Math.max(reads, busiestMinute(read))
  }
  return {
    maxModificationsPerMinute: mods,
    maxReadsPerMinute: reads,
    tooManyRequests: calls.filter((c) => c.status === 429).length,
  }
}

function busiestMinute(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b)
  let best = 0
  for (let lo = 0, hi = 0; hi < sorted.length; hi++) {
    while ((sorted[hi] as number) - (sorted[lo] as number) >= 60_000) lo++
    best = Math.max(best, hi - lo + 1)
  }
  return best
}
