/**
 * The daemon's event-loop delay (perf_hooks.monitorEventLoopDelay, taken inside the daemon by
 * TILLBRIDGE_TRACE_FILE's trace and written when it stops) over a life with 501 tills paying: each
 * till connects and starts one sale that stays pending, polled every 200 ms, as in the memory
 * figure. The baseline is a daemon's life with no till at all, in the same run.
 *
 *   npm run bench -- --only loop-delay
 */
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { TillClient } from '../src/client/index.js'
import type { EventLoopDelayLine } from '../src/shared/hot-path-trace.js'
import { sleep, startBenchDaemon } from './lib/daemon.js'
import { type BenchSection, type Figure, round } from './lib/results.js'
import { startPendingSales } from './lib/sell.js'

const TILLS = Number(process.env.BENCH_TILLS ?? 500) + 1
const PAYING_MS = 10_000

export async function benchLoopDelay(dir: string): Promise<BenchSection[]> {
  const idle = await lifeOf(join(dir, 'idle'), 0)
  const paying = await lifeOf(join(dir, 'paying'), TILLS)
  const row = (p: 'p50' | 'p99' | 'max'): Figure => ({
    label: `event-loop delay with ${TILLS} tills paying, ${p}`,
    value: round(paying[p], 2),
    unit: 'ms',
    baseline: { label: `no till, ${p}`, value: round(idle[p], 2), unit: 'ms' },
  })
  return [
    {
      id: 'loop-delay',
      title: 'Event-loop delay',
      method:
        "The daemon's own monitorEventLoopDelay (10 ms period, subtracted) over its whole life: start, " +
        `${TILLS} tills connect and each starts a sale that stays pending (polled every 200 ms), ` +
        `${PAYING_MS / 1000} s of that, stop (${paying.samples} samples). The baseline is a life as long with no till.`,
      figures: [row('p50'), row('p99'), row('max')],
    },
  ]
}

async function lifeOf(dir: string, tills: number): Promise<EventLoopDelayLine['eventLoopDelayMs']> {
  mkdirSync(dir, { recursive: true })
  const traceFile = join(dir, 'trace.jsonl')
  const bench = await startBenchDaemon({
    dir,
    tills: Math.max(1, tills),
    env: { TILLBRIDGE_TRACE_FILE: traceFile },
    payments: { pollIntervalMs: 200 },
  })
  const clients: TillClient[] = []
  try {
    for (const t of bench.tills.slice(0, tills))
      clients.push(new TillClient({ url: bench.setup.tillUrl, token: t.token }))
    await Promise.all(clients.map((c) => c.connect()))
    await startPendingSales(clients, 'loop')
    await sleep(PAYING_MS)
  } finally {
    await Promise.all(clients.map((c) => c.close()))
    await bench.stop()
  }
  const last = readFileSync(traceFile, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as unknown)
    .find((l): l is EventLoopDelayLine => typeof l === 'object' && l !== null && 'eventLoopDelayMs' in l)
  if (!last) throw new Error(`the daemon wrote no event-loop delay to ${traceFile}`)
  return last.eventLoopDelayMs
}
