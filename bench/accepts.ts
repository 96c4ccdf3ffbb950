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
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { configSchema } from '../src/config/schema.js'
import { createSilentLogger } from '../src/log/logger.js'
import type { PaymentsEngine } from '../src/payments/engine.js'
import { createPayments } from '../src/payments/wiring.js'
import { createSystemClock } from '../src/shared/clock.js'
import { FatalReporter } from '../src/shared/fatal.js'
import { Journal } from '../src/store/journal.js'
import { readMigrations } from '../src/store/migrate.js'
import type { EpaymentApi } from '../src/vipps/api.js'

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
const migrations = readMigrations(fileURLToPath(new URL('../../migrations', import.meta.url)))

/** Appends 4 KiB and fsyncs, as a WAL commit does, for `seconds`. */
function fsyncRate(): number {
  const fd = openSync(join(dir, 'fsync.bin'), 'w')
  const block = Buffer.alloc(4096, 1)
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

async function acceptRate(workers: number, name: string): Promise<number> {
  const path = join(dir, `${name}.db`)
  const clock = createSystemClock()
  const log = createSilentLogger()
  const fatal = new FatalReporter()
  const journal = new Journal({ path, busyTimeoutMs: 5000, clock, log, fatal, migrations })
  const config = configSchema.parse({ journal: { path } })
  const noProvider = () => ({}) as EpaymentApi // the worker is not started: nothing is sent
  const { engine } = createPayments({
    config,
    journal,
    clock,
    log,
    fatal,
    providerFor: noProvider,
    fallbackMsn: '123456',
  })
  await journal.start()
  await engine.start()
  if (journal.db.pragma('synchronous', { simple: true }) !== 2) throw new Error('journal is not synchronous=FULL')
  let accepted = 0
  const end = performance.now() + seconds * 1000
  const till = async (t: number, e: PaymentsEngine) => {
    for (let i = 0; performance.now() < end; i++) {
      await e.create(`till-${t}`, {
        key: `sale-${i}`,
        amount: { value: 12550, currency: 'NOK' },
        flow: 'push',
        customer: { phoneNumber: '4791234567' },
        capture: 'auto',
      })
      accepted++
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: workers }, (_, t) => till(t, engine)))
  const rate = accepted / ((performance.now() - started) / 1000)
  await engine.stop()
  await journal.stop()
  return rate
}

try {
  const fsyncs = fsyncRate()
  const single = await acceptRate(1, 'single')
  const grouped = await acceptRate(concurrency, 'grouped')
  const line = (label: string, rate: number, note = '') =>
    console.log(`${label.padEnd(44)}${rate.toFixed(0).padStart(8)} /s${note}`)
  const ratio = (rate: number) => `   ratio to fsync ${(rate / fsyncs).toFixed(2)}`
  console.log(`disk: ${dir} (${seconds} s per measurement)`)
  line('raw fsync (4 KiB append + fsync)', fsyncs)
  line('durable accepts, 1 till at a time', single, ratio(single))
  line(`durable accepts, ${concurrency} concurrent tills`, grouped, `${ratio(grouped)} (target ≥ 1.0)`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
