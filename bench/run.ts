/**
 * `npm run bench`: runs every benchmark of the project, one after another, writes
 * bench/results.json and renders BENCHMARKS.md from it (bench/report.ts). `-- --only a,b` runs
 * some of them and prints their figures without writing anything.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { benchAccepts } from './accepts.js'
import { benchClient } from './client.js'
import { benchFootprint } from './footprint.js'
import { benchGateway } from './gateway.js'
import { describeMachine } from './lib/machine.js'
import type { BenchResults, BenchSection } from './lib/results.js'
import { benchLoopDelay } from './loop-delay.js'
import { benchProfile } from './profile.js'
import { benchRecovery } from './recovery.js'
import { RESULTS_FILE, renderBenchmarks, writeBenchmarks } from './report.js'
import { benchStartup } from './startup.js'
import { benchWaterfall } from './waterfall.js'

/** Each benchmark, by name; each writes only below the directory it is given. */
const BENCHMARKS: Record<string, (dir: string) => Promise<BenchSection[]>> = {
  accepts: benchAccepts,
  gateway: benchGateway,
  startup: benchStartup,
  recovery: benchRecovery,
  waterfall: benchWaterfall,
  client: benchClient,
  profile: benchProfile,
  'loop-delay': benchLoopDelay,
  footprint: benchFootprint,
}

const { values } = parseArgs({ options: { only: { type: 'string' }, dir: { type: 'string' } } })
const only = values.only?.split(',').map((s) => s.trim())
const unknown = only?.filter((name) => !(name in BENCHMARKS)) ?? []
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}\n`)
  process.exit(64)
}

const dir = mkdtempSync(join(values.dir ?? tmpdir(), 'tillbridge-bench-'))
const started = performance.now()
const sections: BenchSection[] = []
try {
  for (const [name, bench] of Object.entries(BENCHMARKS)) {
    if (only && !only.includes(name)) continue
    process.stdout.write(`bench: ${name}…\n`)
    sections.push(...(await bench(mkdtempSync(join(dir, `${name}-`)))))
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
const results: BenchResults = {
  date: new Date().toISOString(),
  machine: describeMachine(values.dir ?? tmpdir()),
  elapsedSeconds: Math.round((performance.now() - started) / 1000),
  sections,
}
if (only) {
  process.stdout.write(renderBenchmarks(results, undefined))
} else {
  writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`)
  writeBenchmarks()
  process.stdout.write(`bench: wrote ${RESULTS_FILE} and BENCHMARKS.md\n`)
}
