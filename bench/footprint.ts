/**
 * Where the daemon's memory and start-up time go, each beside a baseline from the same run:
 *
 * - the floor: a bare `node -e` (with NODE_FLAGS, as the daemon runs), then the same process after
 *   importing each big dependency alone, and after importing all of `run`'s modules;
 * - the daemon idle (provider `vipps`, no till connected): RSS split into file-backed pages (the
 *   node binary and libraries), V8's heap, external memory and compiled code, from its own
 *   TILLBRIDGE_FOOTPRINT_FILE (src/ops/footprint.ts);
 * - start-up split by the daemon's own marks: node's start, module loading, config, journal,
 *   engine, gateway;
 * - 501 tills paying: what grows, and whether till sockets negotiate per-message deflate.
 *
 *   npm run bench -- --only footprint
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import WebSocket from 'ws'
import { TillClient } from '../src/client/index.js'
import type { FootprintSnapshot, MemorySplit } from '../src/ops/footprint.js'
import { NODE_ENV, NODE_FLAGS } from '../src/shared/node-flags.js'
import { PACKAGE_ROOT } from '../test/helpers/daemon-process.js'
import { MB, sleep, startBenchDaemon } from './lib/daemon.js'
import { ENGINE_PHASE, JOURNAL_PHASE, phaseMs, readSnapshot } from './lib/footprint-file.js'
import { type BenchSection, type Figure, median, round, spreadOf } from './lib/results.js'
import { startPendingSales } from './lib/sell.js'
import { target } from './lib/targets.js'

const LIVES = 3
const PAYING_TILLS = Number(process.env.BENCH_TILLS ?? 500) + 1
const PAYING_SNAPSHOTS = 5

export async function benchFootprint(dir: string): Promise<BenchSection[]> {
  const bare = medianChild('')
  const deps = DEPENDENCIES.map((dep, i) => {
    const scratch = join(dir, `dep-${i}`)
    mkdirSync(scratch, { recursive: true })
    return { label: dep.label, report: medianChild(dep.code(scratch)) }
  })
  const runImportMs = deps.at(-1)?.report.importMs ?? Number.NaN
  const lives = await idleLives(dir)
  const paying = await payingLife(join(dir, 'paying'))
  return [floorSection(bare, deps), idleSection(lives, bare), startupSplit(lives, runImportMs), paying]
}

// ---- the floor: node alone, and with each dependency ----

/** What a child imports before it reports; `dir` is a scratch folder of its own. */
const DEPENDENCIES: Array<{ label: string; code: (dir: string) => string }> = [
  {
    label: 'better-sqlite3 + a WAL journal open',
    code: (
      dir,
    ) => `const D = (await import('better-sqlite3')).default; const db = new D(${JSON.stringify(join(dir, 'j.db'))});
      db.pragma('journal_mode = WAL'); db.prepare('CREATE TABLE IF NOT EXISTS t (x)').run(); globalThis.keep = db`,
  },
  { label: 'ws', code: () => `globalThis.keep = await import('ws')` },
  { label: 'winston', code: () => `globalThis.keep = await import('winston')` },
  { label: 'zod', code: () => `globalThis.keep = await import('zod')` },
  { label: 'prom-client', code: () => `globalThis.keep = await import('prom-client')` },
  { label: 'p-retry', code: () => `globalThis.keep = await import('p-retry')` },
  { label: 'node-cron', code: () => `globalThis.keep = await import('node-cron')` },
  { label: 'jsonc-parser', code: () => `globalThis.keep = await import('jsonc-parser')` },
  { label: 'qrcode (not loaded by run)', code: () => `globalThis.keep = await import('qrcode')` },
  {
    label: "all of run's modules (dist/cli/run.js)",
    code: () =>
      `globalThis.keep = await import(${JSON.stringify(pathToFileURL(join(PACKAGE_ROOT, 'dist', 'cli', 'run.js')).href)})`,
  },
]

/** The child's report: its memory as the daemon's footprint file splits it, and its import time. */
const REPORT = `
import { readFileSync } from 'node:fs'
import { getHeapCodeStatistics } from 'node:v8'
const t0 = performance.now()
%IMPORT%
const importMs = performance.now() - t0
await new Promise((r) => setTimeout(r, 500))
const status = readFileSync('/proc/self/status', 'utf8')
const kb = (k) => Number(new RegExp('^' + k + ':\\\\s+(\\\\d+) kB', 'm').exec(status)?.[1] ?? NaN) * 1024
const u = process.memoryUsage(); const c = getHeapCodeStatistics()
console.log(JSON.stringify({ importMs, rss: kb('VmRSS'), rssFile: kb('RssFile'), rssAnon: kb('RssAnon'),
  heapUsed: u.heapUsed, heapTotal: u.heapTotal, external: u.external, arrayBuffers: u.arrayBuffers, code: c.code_and_metadata_size + c.bytecode_and_metadata_size }))
`

type ChildReport = Pick<
  MemorySplit,
  'rss' | 'rssFile' | 'rssAnon' | 'heapUsed' | 'heapTotal' | 'external' | 'arrayBuffers'
> & {
  importMs: number
  code: number
}

function child(code: string): ChildReport {
  const r = spawnSync(
    process.execPath,
    [...NODE_FLAGS, '--input-type=module', '-e', REPORT.replace('%IMPORT%', code)],
    {
      cwd: PACKAGE_ROOT,
      encoding: 'utf8',
    },
  )
  if (r.status !== 0) throw new Error(`footprint child failed: ${r.stderr}`)
  return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '') as ChildReport
}

/** Each child LIVES times; the median of each field. */
function medianChild(code: string): ChildReport {
  const runs = Array.from({ length: LIVES }, () => child(code))
  const m = (k: keyof ChildReport) => median(runs.map((r) => r[k]))
  return {
    importMs: m('importMs'),
    rss: m('rss'),
    rssFile: m('rssFile'),
    rssAnon: m('rssAnon'),
    heapUsed: m('heapUsed'),
    heapTotal: m('heapTotal'),
    external: m('external'),
    arrayBuffers: m('arrayBuffers'),
    code: m('code'),
  }
}

const mb = (label: string, bytes: number): Omit<Figure, 'baseline'> => ({
  label,
  value: round(bytes / MB, 1),
  unit: 'MB',
})

function floorSection(bare: ChildReport, deps: Array<{ label: string; report: ChildReport }>): BenchSection {
  const base = { label: '`node -e` idle', value: round(bare.rss / MB, 1), unit: 'MB' }
  const figures: Figure[] = [
    { ...mb('`node -e` idle (the floor)', bare.rss), baseline: base },
    ...deps.map(({ label, report }) => ({
      ...mb(`after importing ${label} (${round(report.importMs, 0)} ms)`, report.rss),
      baseline: base,
    })),
  ]
  return {
    id: 'footprint-floor',
    title: 'Footprint: the floor and each dependency',
    method:
      `A child \`node ${NODE_FLAGS.join(' ')} -e\` (with ${Object.keys(NODE_ENV).join(', ')} as the daemon) that imports one dependency (or nothing: the floor), waits 500 ms and ` +
      `reports its VmRSS; median of ${LIVES} children each. The import time is in the label. Each figure is the whole ` +
      "process: the floor is in all of them, and dependencies share code (zod's cost is in the last row once).",
    figures,
  }
}

// ---- the daemon idle, and its start-up ----

interface Life {
  snapshot: FootprintSnapshot
  spawnToReadyMs: number
}

async function idleLives(dir: string): Promise<Life[]> {
  const lives: Life[] = []
  for (let i = 0; i < LIVES; i++) {
    const life = join(dir, `idle-${i}`)
    mkdirSync(life, { recursive: true })
    const file = join(life, 'footprint.json')
    const t0 = performance.now()
    const bench = await startBenchDaemon({ dir: life, tills: 1, env: { TILLBRIDGE_FOOTPRINT_FILE: file } })
    const spawnToReadyMs = performance.now() - t0
    await sleep(1500)
    const snapshot = readSnapshot(file)
    await bench.stop()
    lives.push({ snapshot, spawnToReadyMs })
  }
  return lives
}

function idleSection(lives: Life[], bare: ChildReport): BenchSection {
  const m = (k: keyof Omit<MemorySplit, 'heapSpaces'>) => median(lives.map((l) => l.snapshot.memory[k]))
  const vs = (label: string, bytes: number, bareBytes: number): Figure => ({
    ...mb(label, bytes),
    baseline: { label: '`node -e`', value: round(bareBytes / MB, 1), unit: 'MB' },
  })
  const flags = lives[0]?.snapshot.nodeFlags.join(' ') || 'none'
  return {
    id: 'footprint-idle',
    title: 'Footprint: the daemon idle',
    method:
      `\`tillbridge run\` (provider \`vipps\` against the simulator, no till connected, node flags: ${flags}) 1.5 s after ` +
      `\`ready\`, as its TILLBRIDGE_FOOTPRINT_FILE splits it; median of ${LIVES} lives. Baseline: the same split of a ` +
      'bare `node -e` with the same flags, in the same run. File-backed RSS is the node binary and libraries paged in ' +
      '(shared, read-only); anonymous RSS holds V8 heaps, code and malloc.',
    figures: [
      {
        ...vs('RSS', m('rss'), bare.rss),
        target: target('rssIdle', m('rss') / MB),
        spread: spreadOf(lives.map((l) => l.snapshot.memory.rss / MB)),
      },
      vs('RSS file-backed (node binary, libraries)', m('rssFile'), bare.rssFile),
      vs('RSS anonymous', m('rssAnon'), bare.rssAnon),
      vs('V8 heap used', m('heapUsed'), bare.heapUsed),
      vs('V8 heap total (reserved)', m('heapTotal'), bare.heapTotal),
      vs('external (C++ objects held by JS)', m('external'), bare.external),
      vs('array buffers', m('arrayBuffers'), bare.arrayBuffers),
      vs('code and bytecode', m('code') + m('bytecode'), bare.code),
      vs('source text of loaded modules', m('scriptSource'), 0),
    ],
  }
}

/** The phases between the daemon's own marks, each the median over the lives. */
function startupSplit(lives: Life[], runImportMs: number): BenchSection {
  const phase = (from: string | undefined, to: string) => median(lives.map((l) => phaseMs(l.snapshot, from, to)))
  const ms = (label: string, value: number, baseline?: Figure['baseline']): Figure => ({
    label,
    value: round(value, 1),
    unit: 'ms',
    ...(baseline ? { baseline } : {}),
  })
  const total = median(lives.map((l) => l.spawnToReadyMs))
  const ready = phase(undefined, 'ready')
  return {
    id: 'footprint-startup',
    title: 'Footprint: start-up split',
    method:
      `The same ${LIVES} lives (empty journal): each phase between the daemon's own start-up marks ` +
      '(performance.now() from the process start), median. Node start is to the first line of main.ts; modules is ' +
      "the `run` command's import; journal is its lock, open, checks and migrations; engine is payments, worker " +
      'and reaper. Spawn to `ready` is timed by the bench (the rest is spawning and the log pipe).',
    figures: [
      ms('spawn to `ready` (bench)', total, { label: 'ready by its own clock', value: round(ready, 1), unit: 'ms' }),
      ms('node start to first line of main', phase(undefined, 'main')),
      ms("loading run's modules", phase('main', 'modules'), {
        label: 'the same import in a bare node',
        value: round(runImportMs, 1),
        unit: 'ms',
      }),
      ms('config and secrets read', phase('modules', 'config')),
      ms('components built (composition root)', phase('config', 'context')),
      ms(JOURNAL_PHASE[0], phase(JOURNAL_PHASE[1], JOURNAL_PHASE[2])),
      ms(ENGINE_PHASE[0], phase(ENGINE_PHASE[1], ENGINE_PHASE[2])),
      ms('gateway listening', phase('loud-warnings', 'gateway')),
      ms('systemd notify to ready', phase('gateway', 'ready')),
    ],
  }
}

// ---- 501 tills paying ----

async function payingLife(dir: string): Promise<BenchSection> {
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'footprint.json')
  const bench = await startBenchDaemon({
    dir,
    tills: PAYING_TILLS,
    payments: { pollIntervalMs: 200 },
    env: { TILLBRIDGE_FOOTPRINT_FILE: file },
  })
  const clients: TillClient[] = []
  try {
    await sleep(1500)
    const idle = readSnapshot(file).memory
    const deflate = await deflateNegotiated(bench.setup.tillUrl)
    for (const t of bench.tills) clients.push(new TillClient({ url: bench.setup.tillUrl, token: t.token }))
    await Promise.all(clients.map((c) => c.connect()))
    await sleep(2000)
    const connected = readSnapshot(file).memory
    await startPendingSales(clients, 'fp')
    const snapshots: MemorySplit[] = []
    for (let i = 0; i < PAYING_SNAPSHOTS; i++) {
      await sleep(1000)
      snapshots.push(readSnapshot(file).memory)
    }
    const m = (f: (s: MemorySplit) => number) => median(snapshots.map(f))
    const vsIdle = (label: string, f: (s: MemorySplit) => number): Figure => ({
      ...mb(label, m(f)),
      baseline: { label: 'idle', value: round(f(idle) / MB, 1), unit: 'MB' },
    })
    const space = (name: string) => (s: MemorySplit) => s.heapSpaces[name] ?? 0
    return {
      id: 'footprint-paying',
      title: `Footprint: ${PAYING_TILLS} tills paying`,
      method:
        `One life: idle, then ${PAYING_TILLS} tills connected (2 s), then each with a sale pending at Vipps, polled every ` +
        `200 ms; the median of ${PAYING_SNAPSHOTS} footprint snapshots a second apart. Baseline: the same life idle. ` +
        'Per-message deflate is whether a client offering it gets it (each deflating socket would hold zlib contexts).',
      figures: [
        vsIdle('RSS', (s) => s.rss),
        {
          ...mb('RSS, highest snapshot', Math.max(...snapshots.map((s) => s.rss))),
          baseline: { label: 'idle', value: round(idle.rss / MB, 1), unit: 'MB' },
        },
        {
          label: 'RSS per connected till, before paying',
          value: round((connected.rss - idle.rss) / PAYING_TILLS / 1024, 1),
          unit: 'KB',
          baseline: {
            label: 'V8 heap per till',
            value: round((connected.heapUsed - idle.heapUsed) / PAYING_TILLS / 1024, 1),
            unit: 'KB',
          },
        },
        vsIdle('V8 heap used', (s) => s.heapUsed),
        vsIdle('V8 heap total (reserved)', (s) => s.heapTotal),
        vsIdle('V8 young generation (new space) used', space('new_space')),
        vsIdle('V8 old space used', space('old_space')),
        vsIdle('external (C++ objects held by JS)', (s) => s.external),
        vsIdle('array buffers (socket and HTTP buffers)', (s) => s.arrayBuffers),
        vsIdle('RSS outside the V8 heap (anonymous minus heap total)', (s) => s.rssAnon - s.heapTotal),
        {
          label: 'per-message deflate negotiated on a till socket',
          value: deflate ? 1 : 0,
          unit: '',
          baseline: { label: 'off', value: 0, unit: '' },
        },
      ],
    }
  } finally {
    await Promise.all(clients.map((c) => c.close()))
    await bench.stop()
  }
}

/** Opens a socket that offers permessage-deflate and reports whether the daemon accepted it. */
async function deflateNegotiated(url: string): Promise<boolean> {
  const ws = new WebSocket(url, { perMessageDeflate: true })
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    return ws.extensions.includes('permessage-deflate')
  } finally {
    ws.terminate()
  }
}
