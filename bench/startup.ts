/**
 * Start-up to `ready` with 100,000 payments in the journal, against the same with an empty one.
 * The journal is filled through the engine's own accept path, then aged with SQL matching the
 * schema: all but a hundred become captured history with their create done and events acked,
 * the last hundred stay in flight, as on a till that has sold for months.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { NODE_ENV, NODE_FLAGS } from '../src/shared/node-flags.js'
import { sleep, startBenchDaemon } from './lib/daemon.js'
import { acceptMany, openEngine } from './lib/engine.js'
import { ENGINE_PHASE, JOURNAL_PHASE, phaseMs, readSnapshot } from './lib/footprint-file.js'
import { type BenchSection, type Figure, median, round, spreadOf } from './lib/results.js'
import { target } from './lib/targets.js'

const PAYMENTS = Number(process.env.BENCH_JOURNAL_PAYMENTS ?? 100_000)
const IN_FLIGHT = 100
const STARTS = 3

export async function benchStartup(root: string): Promise<BenchSection[]> {
  const bare = await timeBareNode()
  const { ms: empty, spread: emptySpread, phases: emptyPhases } = await timeStarts(mkdtempSync(join(root, 'empty-')), 0)
  const {
    ms: full,
    spread: fullSpread,
    phases: fullPhases,
  } = await timeStarts(mkdtempSync(join(root, 'full-')), PAYMENTS)
  const phaseFigure = ([label]: readonly [string, string, string], i: number): Figure => ({
    label: `${label}, ${PAYMENTS.toLocaleString('en-US')} payments`,
    value: round(fullPhases[i] ?? Number.NaN),
    unit: 'ms',
    baseline: { label: 'empty journal', value: round(emptyPhases[i] ?? Number.NaN), unit: 'ms' },
  })
  return [
    {
      id: 'startup',
      title: 'Start-up',
      method:
        `\`tillbridge run\` from spawn to its \`ready\` log line (node start, journal open and checks, migrations, ` +
        `engine, gateway), median of ${STARTS}; the journal holds ${PAYMENTS.toLocaleString('en-US')} payments ` +
        `(${IN_FLIGHT} in flight) filled through the engine. Baseline: the same with an empty journal, and for that ` +
        `one a bare \`node ${NODE_FLAGS.join(' ')} -e\` from spawn to its first line (the floor). The phases ` +
        "are the daemon's own start-up marks (TILLBRIDGE_FOOTPRINT_FILE), median of the same starts.",
      figures: [
        {
          label: 'to ready with an empty journal',
          value: round(empty),
          unit: 'ms',
          baseline: { label: '`node -e` to its first line', value: round(bare), unit: 'ms' },
          target: target('startupEmptyMs', empty),
          spread: emptySpread,
        },
        {
          label: `to ready with ${PAYMENTS.toLocaleString('en-US')} payments`,
          value: round(full),
          unit: 'ms',
          baseline: { label: 'empty journal', value: round(empty), unit: 'ms' },
          target: target('startupMs', full),
          spread: fullSpread,
        },
        ...PHASES.map(phaseFigure),
      ],
    },
  ]
}

/** Spawn to the first stdout line of a node that does nothing else, median of STARTS. */
async function timeBareNode(): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < STARTS; i++) {
    const t0 = performance.now()
    const child = spawn(process.execPath, [...NODE_FLAGS, '-e', 'console.log("ready")'], {
      env: { ...process.env, ...NODE_ENV },
      stdio: ['ignore', 'pipe', 'ignore'],
    })
    const exited = new Promise((resolve) => child.once('exit', resolve))
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()))
    times.push(performance.now() - t0)
    await exited
  }
  return median(times)
}

/** The start-up phases that depend on the journal's size. */
const PHASES = [JOURNAL_PHASE, ENGINE_PHASE] as const

async function timeStarts(
  dir: string,
  payments: number,
): Promise<{ ms: number; spread: Figure['spread']; phases: number[] }> {
  const footprint = join(dir, 'footprint.json')
  const bench = await startBenchDaemon({
    dir,
    tills: 4,
    payments: { sendDeadlineMs: 3_600_000 },
    env: { TILLBRIDGE_FOOTPRINT_FILE: footprint },
  })
  await bench.daemon.stop()
  if (payments > 0)
    await fill(
      bench.setup.journal,
      payments,
      bench.tills.map((t) => t.id),
    )
  const times: number[] = []
  const phases: number[][] = PHASES.map(() => [])
  try {
    for (let i = 0; i < STARTS; i++) {
      const t0 = performance.now()
      await bench.daemon.start()
      times.push(performance.now() - t0)
      await sleep(300)
      await bench.daemon.stop()
      // Written once more at stop: this life's marks.
      const snapshot = readSnapshot(footprint)
      for (const [p, [, from, to]] of PHASES.entries()) phases[p]?.push(phaseMs(snapshot, from, to))
    }
  } finally {
    await bench.stop()
  }
  return { ms: median(times), spread: spreadOf(times), phases: phases.map(median) }
}

async function fill(path: string, count: number, tills: string[]): Promise<void> {
  const { engine, journal, close } = await openEngine(path, { payments: { sendDeadlineMs: 3_600_000 } })
  await acceptMany(engine, count, tills, (n) => ({
    key: `history-${n}`,
    amount: { value: 100 + (n % 50_000), currency: 'NOK' },
    flow: 'push',
    customer: { phoneNumber: `4791${String(n % 1_000_000).padStart(6, '0')}` },
    capture: 'auto',
  }))
  const history = count - IN_FLIGHT
  journal.db.transaction(() => {
    journal.db
      .prepare(`UPDATE payments SET status = 'captured', authorized = amount, captured = amount,
        next_action_at = NULL WHERE id <= ?`)
      .run(history)
    journal.db
      .prepare(`UPDATE provider_operations SET state = 'done', attempts = 1, last_attempt_at = created_at,
        last_http_status = 201 WHERE payment_id <= ?`)
      .run(history)
    journal.db.prepare('DELETE FROM till_events WHERE payment_id <= ?').run(history)
    journal.db
      .prepare(
        'UPDATE till_mailboxes SET acked_seq = COALESCE((SELECT MIN(seq) - 1 FROM till_events t WHERE t.till_id = till_mailboxes.till_id), last_seq)',
      )
      .run()
  })()
  await close()
}
