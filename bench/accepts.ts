/**
 * Durable accepts per second against the raw fsync rate of the same disk, in one run.
 *
 * A payment.create is answered only after its COMMIT under synchronous=FULL, so one accept
 * can never beat one fsync. Group commit shares one fsync among every accept that arrives in
 * the same turn of the event loop: with concurrent tills, accepts/s should reach or pass the
 * disk's fsync/s (target ratio ≥ 1.0).
 *
 *   npm run bench:accepts [-- --seconds 3 --concurrency 64 --dir /var/lib/tillbridge]
 */
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import type { CreatePaymentInput } from '../src/payments/types.js'
import { openEngine } from './lib/engine.js'
import { type BenchSection, round, spreadOf } from './lib/results.js'
import { target } from './lib/targets.js'

export interface AcceptRates {
  fsyncs: number
  single: number
  grouped: number
  /** WAL pages one accept's COMMIT appends (each page plus its 24-byte frame header). */
  pagesPerAccept: number
  /** The raw fsync rate when each append is as large as one accept's WAL frames. */
  acceptSizedFsyncs: number
  /** One till's accepts over the fsync rate, per repeat (each its own block of time). */
  singleRatios: number[]
}

const PAGE = 4096
const WAL_FRAME = PAGE + 24

/** Appends `bytes` (4 KiB by default) and fsyncs, as a WAL commit does, for `seconds`. */
function fsyncRate(dir: string, seconds: number, bytes = PAGE): number {
  const fd = openSync(join(dir, 'fsync.bin'), 'w')
  const block = Buffer.alloc(bytes, 1)
  const end = performance.now() + seconds * 1000
  let n = 0
  while (performance.now() < end) {
    writeSync(fd, block)
    fsyncSync(fd)
    n++
  }
  closeSync(fd)
  return n / seconds
}

function sale(key: string): CreatePaymentInput {
  return {
    key,
    amount: { value: 12550, currency: 'NOK' },
    flow: 'push',
    customer: { phoneNumber: '4791234567' },
    capture: 'auto',
  }
}

async function acceptRate(dir: string, name: string, tills: number, seconds: number): Promise<number> {
  const { engine, close } = await openEngine(join(dir, `${name}.db`))
  let accepted = 0
  const end = performance.now() + seconds * 1000
  const till = async (t: number) => {
    for (let i = 0; performance.now() < end; i++) {
      await engine.create(`till-${t}`, sale(`sale-${i}`))
      accepted++
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: tills }, (_, t) => till(t)))
  const rate = accepted / ((performance.now() - started) / 1000)
  await close()
  return rate
}

/**
 * How many WAL pages one lone accept appends: the payment row and its indexes, the create
 * operation and its indexes, the timeline. Counted from the WAL's growth with checkpoints held
 * off, so each COMMIT's frames stay in the file.
 */
async function walPagesPerAccept(dir: string): Promise<number> {
  const path = join(dir, 'pages.db')
  const { engine, journal, close } = await openEngine(path)
  journal.db.pragma('wal_checkpoint(TRUNCATE)')
  journal.db.pragma('wal_autocheckpoint = 0')
  const before = statSync(`${path}-wal`).size
  const n = 200
  for (let i = 0; i < n; i++) await engine.create('till-0', sale(`pages-${i}`))
  const frames = (statSync(`${path}-wal`).size - before) / WAL_FRAME
  await close()
  return frames / n
}

/** Each rate is taken in this many consecutive blocks; the figure is over all, the spread is theirs. */
const REPEATS = 3

export async function measureAccepts(dir: string, seconds = 3, concurrency = 64): Promise<AcceptRates> {
  const pagesPerAccept = await walPagesPerAccept(dir)
  const block = seconds / REPEATS
  const fsyncs: number[] = []
  const singles: number[] = []
  for (let r = 0; r < REPEATS; r++) {
    // Alternated, so a disk that slows down for a moment weighs on the figure and its baseline alike.
    fsyncs.push(fsyncRate(dir, block))
    singles.push(await acceptRate(dir, `single-${r}`, 1, block))
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
  return {
    fsyncs: mean(fsyncs),
    acceptSizedFsyncs: fsyncRate(dir, seconds, Math.round(pagesPerAccept * WAL_FRAME)),
    pagesPerAccept,
    single: mean(singles),
    singleRatios: singles.map((s, r) => s / (fsyncs[r] ?? Number.NaN)),
    grouped: await acceptRate(dir, 'grouped', concurrency, seconds),
  }
}

export async function benchAccepts(dir: string): Promise<BenchSection[]> {
  const concurrency = 64
  const r = await measureAccepts(dir, 3, concurrency)
  const fsync = { label: 'raw fsync (4 KiB append + fsync)', value: round(r.fsyncs, 0), unit: '/s' }
  const acceptSized = {
    label: `raw fsync of one accept's WAL frames (${round(r.pagesPerAccept, 1)} pages)`,
    value: round(r.acceptSizedFsyncs, 0),
    unit: '/s',
  }
  return [
    {
      id: 'accepts',
      title: 'Durable accepts',
      method:
        '`payment.create` through the payments engine (no network), each answered after its COMMIT under ' +
        'synchronous=FULL, for 3 s; baseline: a 4 KiB append and fsync loop on the same disk for 3 s (one till: ' +
        `${REPEATS} blocks of 1 s each, alternating with the fsync loop; the spread is the blocks' ratios). One ` +
        "accept's COMMIT appends more than one page to the WAL (counted over 200 accepts); the second " +
        'baseline appends that many bytes per fsync.',
      figures: [
        { label: 'accepts/s, 1 till at a time', value: round(r.single, 0), unit: '/s', baseline: fsync },
        {
          label: 'ratio to the fsync rate, 1 till at a time',
          value: round(r.single / r.fsyncs),
          unit: '×',
          baseline: fsync,
          target: target('acceptsSingleRatio', r.single / r.fsyncs),
          spread: spreadOf(r.singleRatios),
        },
        {
          label: "ratio to the fsync rate of an accept's own size, 1 till at a time",
          value: round(r.single / r.acceptSizedFsyncs),
          unit: '×',
          baseline: acceptSized,
        },
        {
          label: `accepts/s, ${concurrency} concurrent tills`,
          value: round(r.grouped, 0),
          unit: '/s',
          baseline: fsync,
        },
        {
          label: `ratio to the fsync rate, ${concurrency} tills`,
          value: round(r.grouped / r.fsyncs),
          unit: '×',
          baseline: fsync,
          target: target('acceptsRatio', r.grouped / r.fsyncs),
        },
      ],
    },
  ]
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '3' },
      concurrency: { type: 'string', default: '64' },
      dir: { type: 'string' },
    },
  })
  const seconds = Number(values.seconds)
  const concurrency = Number(values.concurrency)
  const dir = mkdtempSync(join(values.dir ?? tmpdir(), 'tillbridge-bench-'))
  try {
    const r = await measureAccepts(dir, seconds, concurrency)
    const line = (label: string, rate: number, note = '') =>
      console.log(`${label.padEnd(44)}${rate.toFixed(0).padStart(8)} /s${note}`)
    const ratio = (rate: number) => `   ratio to fsync ${(rate / r.fsyncs).toFixed(2)}`
    console.log(`disk: ${dir} (${seconds} s per measurement)`)
    line('raw fsync (4 KiB append + fsync)', r.fsyncs)
    line(`raw fsync of one accept's WAL (${r.pagesPerAccept.toFixed(1)} pages)`, r.acceptSizedFsyncs)
    line('durable accepts, 1 till at a time', r.single, `${ratio(r.single)} (target ≥ 0.9)`)
    line(`durable accepts, ${concurrency} concurrent tills`, r.grouped, `${ratio(r.grouped)} (target ≥ 1.0)`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
