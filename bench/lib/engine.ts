import { join } from 'node:path'
import { type ConfigInput, configSchema } from '../../src/config/schema.js'
import { createSilentLogger } from '../../src/log/logger.js'
import type { PaymentsEngine } from '../../src/payments/engine.js'
import type { CreatePaymentInput } from '../../src/payments/types.js'
import { createPayments } from '../../src/payments/wiring.js'
import { createSystemClock } from '../../src/shared/clock.js'
import { FatalReporter } from '../../src/shared/fatal.js'
import { SIMULATOR_DEMO_CREDENTIALS } from '../../src/simulator/demo.js'
import { Journal } from '../../src/store/journal.js'
import { readMigrations } from '../../src/store/migrate.js'
import type { EpaymentApi } from '../../src/vipps/api.js'
import { PACKAGE_ROOT } from '../../test/helpers/daemon-process.js'

export interface OpenEngine {
  engine: PaymentsEngine
  journal: Journal
  close(): Promise<void>
}

/**
 * The payments engine on a journal file, in this process and without its worker: nothing is sent
 * anywhere. It accepts exactly as the daemon does (group commit, synchronous=FULL), so benchmarks
 * measure it and fill journals through its own code paths.
 */
export async function openEngine(path: string, config: ConfigInput = {}): Promise<OpenEngine> {
  const clock = createSystemClock()
  const log = createSilentLogger()
  const fatal = new FatalReporter()
  const migrations = readMigrations(join(PACKAGE_ROOT, 'migrations'))
  const journal = new Journal({ path, busyTimeoutMs: 5000, clock, log, fatal, migrations })
  const parsed = configSchema.parse({ ...config, journal: { path } })
  const noProvider = () => ({}) as EpaymentApi // the worker is never started
  const { engine } = createPayments({
    config: parsed,
    journal,
    clock,
    log,
    fatal,
    providerFor: noProvider,
    fallbackMsn: SIMULATOR_DEMO_CREDENTIALS.msn,
  })
  await journal.start()
  await engine.start()
  if (journal.db.pragma('synchronous', { simple: true }) !== 2) throw new Error('journal is not synchronous=FULL')
  return {
    engine,
    journal,
    async close() {
      await engine.stop()
      await journal.stop()
    },
  }
}

/**
 * Accepts `count` payments, spread over `tills` tills with `concurrency` requests in flight
 * (so group commit shares the fsyncs), each from `input(n)`.
 */
export async function acceptMany(
  engine: PaymentsEngine,
  count: number,
  tills: string[],
  input: (n: number) => CreatePaymentInput,
  concurrency = 256,
): Promise<void> {
  let next = 0
  const worker = async () => {
    for (let n = next++; n < count; n = next++) await engine.create(tills[n % tills.length] as string, input(n))
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
}
