import { describe, expect, it } from 'vitest'
import { App } from '../../../src/app/app.js'
import { createContext } from '../../../src/app/context.js'
import { TillClient } from '../../../src/client/index.js'
import { loadConfig } from '../../../src/config/load.js'
import { loadSecrets, sha256Hex } from '../../../src/config/secrets.js'
import { createSilentLogger } from '../../../src/log/logger.js'
import { createSystemClock } from '../../../src/shared/clock.js'
import { startDaemon } from '../../helpers/daemon-process.js'
import { freePort } from '../../helpers/free-port.js'
import { writeVippsConfig } from '../../helpers/ops-config.js'
import { RawTill } from '../../helpers/raw-till.js'
import { useSimulator } from '../../helpers/simulator.js'
import { useTempDir } from '../../helpers/temp-dir.js'

/**
 * reliability.md T19: SIGTERM while a call to Vipps is in flight. The daemon must exit 0 within
 * its deadline, tell its tills 1001, and after a restart finish the payment it had accepted,
 * created once at Vipps.
 */

const tempDir = useTempDir()
// Real time: the latency fault sleeps on the simulator's clock.
const sim = useSimulator({ clock: createSystemClock(), approveDelayMs: 300, rateLimitScale: 0 })
const TOKEN = 'graceful-till-token-0123456789'
const SHUTDOWN_MS = 5000

async function config(dir: string) {
  const port = await freePort()
  const { file } = writeVippsConfig(dir, {
    baseUrl: sim().baseUrl,
    extra: {
      gateway: { port, tills: [{ id: 'till-1', tokenSha256: sha256Hex(TOKEN) }] },
      admin: { enabled: false },
      payments: { pollFirstDelayMs: 100, pollIntervalMs: 100 },
      shutdownTimeoutMs: SHUTDOWN_MS,
    },
  })
  return { file, url: `ws://127.0.0.1:${port}/v1` }
}

const sale = (key: string) => ({
  type: 'payment.create',
  id: `create-${key}`,
  key,
  amount: { value: 12550, currency: 'NOK' },
  flow: 'push',
  customer: { phoneNumber: '4791234561' },
})

describe('graceful stop', () => {
  it('SIGTERM during a slow create at Vipps: exit 0 in time, 1001 to the till, and the payment completes after a restart', async () => {
    const { file, url } = await config(tempDir())
    const first = startDaemon(['run', '--config', file])
    await first.waitForLine((l) => l.message === 'ready')
    await sim().control('POST', '/faults', { latencyMs: 4000, paths: ['^/epayment/v1/payments$'] })

    const till = await RawTill.hello(url, { token: TOKEN })
    const accepted = await till.request(sale('sale-1'))
    expect(accepted).toMatchObject({ type: 'result', payment: { status: 'queued' } })
    const reference = (accepted as { payment: { reference: string } }).payment.reference
    // The worker sends the create at once; the simulator holds it for 4 s: a call in flight.
    await new Promise((r) => setTimeout(r, 300))

    const stopAt = Date.now()
    first.child.kill('SIGTERM')
    expect(await till.closed).toMatchObject({ code: 1001 })
    const exit = await first.exited
    expect(exit).toEqual({ code: 0, signal: null })
    expect(Date.now() - stopAt).toBeLessThan(SHUTDOWN_MS)
    expect(first.lines.some((l) => l.message === 'stopped')).toBe(true)
    // The stop cut the create short: its outcome was unknown, so the restart must read it back.
    expect(first.lines.find((l) => l.message === 'vipps call aborted')).toMatchObject({ operation: 'createPayment' })

    await sim().control('DELETE', '/faults')
    const second = startDaemon(['run', '--config', file])
    try {
      await second.waitForLine((l) => l.message === 'ready')
      const client = new TillClient({ url, token: TOKEN })
      try {
        await client.connect()
        const done = await client.waitFor('sale-1', 'captured', 15_000)
        expect(done).toMatchObject({ reference, captured: 12550 })
      } finally {
        await client.close()
      }
    } finally {
      second.child.kill('SIGTERM')
      expect((await second.exited).code).toBe(0)
    }
    const ledger = await sim().control<{ payments: Array<{ operations: Array<{ kind: string }> }> }>(
      'GET',
      `/payments?reference=${reference}`,
    )
    const kinds = ledger.body.payments.flatMap((p) => p.operations.map((o) => o.kind))
    expect(kinds.filter((k) => k === 'create')).toHaveLength(1)
    expect(kinds.filter((k) => k === 'capture')).toHaveLength(1)
  })

  it('a request sent after the stop began is never accepted: UNAVAILABLE if an answer still gets out, else just the 1001', async () => {
    const { file, url } = await config(tempDir())
    const { config: loaded } = loadConfig(file, {})
    const app = new App(createContext(loaded, loadSecrets(loaded, {}), { log: createSilentLogger() }))
    await app.start()
    const till = await RawTill.hello(url, { token: TOKEN })
    const stopping = app.stop()
    till.send(sale('late'))
    expect((await till.closed).code).toBe(1001)
    await stopping
    const answers = till.frames.filter((f) => f.type !== 'welcome')
    for (const answer of answers) expect(answer).toMatchObject({ type: 'error', code: 'UNAVAILABLE', retryable: true })
    const again = new App(createContext(loaded, loadSecrets(loaded, {}), { log: createSilentLogger() }))
    await again.start()
    try {
      expect(() => again.context.payments.get('till-1', 'late')).toThrow(/late/)
    } finally {
      await again.stop()
    }
  })
})
