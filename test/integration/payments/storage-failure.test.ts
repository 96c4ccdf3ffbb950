import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { App } from '../../../src/app/app.js'
import { createContext } from '../../../src/app/context.js'
import { exitCodeFor } from '../../../src/cli/report-error.js'
import { configSchema } from '../../../src/config/schema.js'
import { loadSecrets } from '../../../src/config/secrets.js'
import { createSilentLogger } from '../../../src/log/logger.js'
import { type TillbridgeError, TillbridgeError as TillbridgeErrorClass } from '../../../src/shared/errors.js'
import { EXIT } from '../../../src/shared/exit-codes.js'
import { ManualClock } from '../../../src/shared/manual-clock.js'
import { errorOf } from '../../helpers/error-of.js'
import { FakeEpayment } from '../../helpers/fake-epayment.js'
import { type PaymentsHarness, pushPayment, settle, startPayments } from '../../helpers/payments-harness.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const tempDir = useTempDir('tillbridge-storage-')
const running: Array<{ stop(): Promise<void> }> = []
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop()
})

describe('a storage failure on a write', () => {
  it('accepts nothing, reports the failure as fatal, and leaves a consistent journal for the restart', async () => {
    const dir = tempDir()
    const clock = new ManualClock()
    const provider = new FakeEpayment()
    const first: PaymentsHarness = await startPayments({ dir, provider, clock })
    await first.engine.create('till-1', pushPayment('before'))
    await settle(first)
    first.journal.db.pragma('query_only = ON') // every write now fails as SQLITE_READONLY

    const err = await errorOf(first.engine.create('till-1', pushPayment('during')))
    expect(err).toMatchObject({ code: 'UNAVAILABLE', retryable: true })
    expect(first.fatal.error).toMatchObject({ code: 'STORAGE_FAILED' })
    expect((await errorOf(first.engine.cancel('till-1', 'before'))).code).toBe('UNAVAILABLE')
    await first.stop()

    const second = await startPayments({ dir, provider, clock })
    running.push(second)
    await settle(second)
    expect(second.engine.get('till-1', 'before').status).toBe('pending')
    expect((await errorOf(Promise.resolve().then(() => second.engine.get('till-1', 'during')))).code).toBe('NOT_FOUND')
    expect(second.engine.eventsAfter('till-1', 0, 10).map((e) => e.seq)).toEqual([1, 2])
    const retried = await second.engine.create('till-1', pushPayment('during'))
    expect(retried.replayed).toBe(false)
    await settle(second)
    expect(provider.calls.filter((c) => c.method === 'createPayment')).toHaveLength(2)
  })

  it('makes the daemon stop with exit code 74', async () => {
    const dir = tempDir()
    const config = configSchema.parse({ journal: { path: join(dir, 'journal.db') }, gateway: { port: 0 } })
    const context = createContext(config, loadSecrets(config, {}), {
      log: createSilentLogger(),
      clock: new ManualClock(),
      providerFor: () => new FakeEpayment(),
    })
    const app = new App(context)
    await app.start()
    running.push(app)
    const fatal = new Promise<Error>((resolve) => context.fatal.onFatal(resolve))
    await context.payments.create('till-1', pushPayment('ok'))
    context.journal.db.pragma('query_only = ON')
    expect((await errorOf(context.payments.create('till-1', pushPayment('lost')))).code).toBe('UNAVAILABLE')
    const reason = await fatal
    expect(reason).toBeInstanceOf(TillbridgeErrorClass)
    expect(exitCodeFor(reason as TillbridgeError)).toBe(EXIT.STORAGE)
  })
})
