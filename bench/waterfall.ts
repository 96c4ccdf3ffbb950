/**
 * Where the milliseconds of one sale go: the daemon runs with TILLBRIDGE_TRACE_FILE, which stamps
 * every sale's hot path (src/shared/hot-path-trace.ts); one till sells one push payment at a time
 * and waits for its `pending` event. Each stage is the gap from the stage before it, p50 and p99
 * over every traced sale. The baseline of the Vipps call is the same create sent straight to the
 * simulator in the same run.
 *
 *   npm run bench -- --only waterfall
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { TRACE_STAGES } from '../src/shared/hot-path-trace.js'
import { startBenchDaemon } from './lib/daemon.js'
import { type BenchSection, type Figure, percentile, round } from './lib/results.js'
import { NO_POLLS_DURING_RUN, sellOneByOne } from './lib/sell.js'
import { createBody, directVipps } from './lib/vipps-direct.js'

const SAMPLES = Math.max(1000, Number(process.env.BENCH_WATERFALL_SAMPLES ?? 1000))
const WARMUP = 50

/** What each gap is, in the words BENCHMARKS.md uses. */
const GAPS: Record<(typeof TRACE_STAGES)[number], string> = {
  frameParsed: '',
  acceptCommitted: 'frame parsed → accept committed',
  workerWoken: 'accept committed → worker runs the create',
  intentCommitted: 'worker runs → intent committed',
  requestSent: 'intent committed → request handed to fetch',
  answerReceived: 'request → answer (the Vipps call)',
  resultCommitted: 'answer → result committed',
  eventWritten: 'result committed → `pending` written to the socket',
}

export async function benchWaterfall(dir: string): Promise<BenchSection[]> {
  const traceFile = join(dir, 'trace.jsonl')
  const bench = await startBenchDaemon({
    dir,
    tills: 1,
    env: { TILLBRIDGE_TRACE_FILE: traceFile },
    payments: NO_POLLS_DURING_RUN,
    simProcess: true,
  })
  const post = await directVipps(bench.sim.baseUrl)
  const direct: number[] = []
  try {
    await sellOneByOne(bench, SAMPLES + WARMUP, async (i) => {
      const reference = `direct-wf-${String(i).padStart(8, '0')}`
      const d0 = performance.now()
      const res = await post('/epayment/v1/payments', createBody(reference), `${reference}-c`)
      await res.text()
      if (i >= WARMUP) direct.push(performance.now() - d0)
    })
  } finally {
    // The trace file is complete once the daemon has stopped (its stream ends in stop()).
    await bench.stop()
  }
  const records = readFileSync(traceFile, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as unknown)
    .filter((l): l is number[] => Array.isArray(l))
    .slice(WARMUP)
  return [waterfallSection(records, direct)]
}

/** p50/p99 of each gap and of the whole; exported for its unit test. */
export function waterfallSection(records: number[][], direct: number[]): BenchSection {
  const complete = records.filter((r) => r.length === TRACE_STAGES.length && r.every(Number.isFinite))
  const ms = (value: number) => ({ value: round(value, 3), unit: 'ms' })
  const figures: Figure[] = []
  for (let i = 1; i < TRACE_STAGES.length; i++) {
    const stage = TRACE_STAGES[i] as (typeof TRACE_STAGES)[number]
    const gaps = complete.map((r) => (r[i] as number) - (r[i - 1] as number))
    const baseline =
      stage === 'answerReceived'
        ? (p: number) => ({
            baseline: { label: `p${p} create straight to the simulator`, ...ms(percentile(direct, p)) },
          })
        : () => ({})
    figures.push({ label: `${GAPS[stage]}, p50`, ...ms(percentile(gaps, 50)), ...baseline(50) })
    figures.push({ label: `${GAPS[stage]}, p99`, ...ms(percentile(gaps, 99)), ...baseline(99) })
  }
  const total = complete.map((r) => (r.at(-1) as number) - (r[0] as number))
  const call = complete.map((r) => (r[5] as number) - (r[4] as number))
  const own = total.map((t, i) => t - (call[i] as number))
  figures.push({
    label: 'whole sale in the daemon (frame parsed → `pending` written), p50',
    ...ms(percentile(total, 50)),
  })
  figures.push({ label: 'whole sale in the daemon, p99', ...ms(percentile(total, 99)) })
  figures.push({ label: "the daemon's own time (whole minus the Vipps call), p50", ...ms(percentile(own, 50)) })
  figures.push({ label: "the daemon's own time (whole minus the Vipps call), p99", ...ms(percentile(own, 99)) })
  return {
    id: 'waterfall',
    title: 'Hot-path waterfall',
    method:
      `One till sells ${complete.length} push payments one after another (after ${WARMUP} warm-ups), each waiting for ` +
      'its `pending` event, against a daemon run with TILLBRIDGE_TRACE_FILE: monotonic stamps taken inside the daemon ' +
      '(src/shared/hot-path-trace.ts). Each row is the gap from the stage before it; the Vipps call is compared with the ' +
      'same create sent straight to the simulator (a process of its own) after each sale. Percentiles of gaps do ' +
      'not add up to the whole.',
    figures,
  }
}
