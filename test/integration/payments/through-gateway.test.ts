import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { App } from '../../../src/app/app.js'
import { createContext } from '../../../src/app/context.js'
import { TillClient } from '../../../src/client/index.js'
import { configSchema } from '../../../src/config/schema.js'
import { loadSecrets, sha256Hex } from '../../../src/config/secrets.js'
import { createSilentLogger } from '../../../src/log/logger.js'
import type { EventFrame } from '../../../src/protocol/index.js'
import { FakeEpayment } from '../../helpers/fake-epayment.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const tempDir = useTempDir('tillbridge-e2e-')
const cleanup: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c()
})

const TOKEN = 'till-one-token-0123456789'

async function startApp(dir: string, provider: FakeEpayment): Promise<{ app: App; url: string }> {
  const config = configSchema.parse({
    journal: { path: join(dir, 'j.db') },
    gateway: { port: 0, tills: [{ id: 'till-1', tokenSha256: sha256Hex(TOKEN) }] },
    admin: { enabled: false },
    payments: { pollFirstDelayMs: 20, pollIntervalMs: 20 },
  })
  const app = new App(
    createContext(config, loadSecrets(config, {}), { log: createSilentLogger(), providerFor: () => provider }),
  )
  await app.start()
  cleanup.push(() => app.stop())
  const url = app.listening().find((l) => l.name === 'gateway')?.url
  if (!url) throw new Error('no gateway')
  return { app, url }
}

function till(url: string, events: EventFrame[], resumeFrom?: number): TillClient {
  const client = new TillClient({
    url,
    token: TOKEN,
    onEvent: (e) => {
      events.push(e)
    },
    ...(resumeFrom === undefined ? {} : { resumeFrom }),
  })
  cleanup.push(() => client.close())
  return client
}

describe('a till through the gateway and the engine', () => {
  it('pays: result after commit, then every change as an event in seq order', async () => {
    const provider = new FakeEpayment()
    const { url } = await startApp(tempDir(), provider)
    const events: EventFrame[] = []
    const client = till(url, events)
    await client.connect()
    const created = await client.createPayment({
      key: 'sale-1',
      amount: { value: 12550, currency: 'NOK' },
      flow: 'push',
      customer: { phoneNumber: '4791234567' },
    })
    expect(created).toMatchObject({ replayed: false, payment: { status: 'queued' } })
    await client.waitFor('sale-1', 'pending', 5000)
    provider.approve(created.payment.reference)
    const paid = await client.waitFor('sale-1', 'captured', 5000)
    expect(paid.captured).toBe(12550)
    await expect
      .poll(() => events.map((e) => e.payment.status))
      .toEqual(['queued', 'pending', 'authorized', 'captured'])
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4])
    const again = await client.createPayment({
      key: 'sale-1',
      amount: { value: 12550, currency: 'NOK' },
      flow: 'push',
      customer: { phoneNumber: '4791234567' },
    })
    expect(again).toMatchObject({ replayed: true, payment: { status: 'captured' } })
  })

  it('delivers the events a till missed after a daemon restart, and seq continues', async () => {
    const dir = tempDir()
    const provider = new FakeEpayment()
    const first = await startApp(dir, provider)
    const seen: EventFrame[] = []
    const client = till(first.url, seen)
    await client.connect()
    await client.createPayment({ key: 'qr-1', amount: { value: 5000, currency: 'NOK' }, flow: 'qr', capture: 'manual' })
    await client.waitFor('qr-1', 'pending', 5000)
    await client.close()
    const processed = Math.max(...seen.map((e) => e.seq))
    await first.app.stop()

    const second = await startApp(dir, provider)
    const later: EventFrame[] = []
    const again = till(second.url, later, processed)
    await again.connect()
    await again.cancelPayment('qr-1')
    await again.waitFor('qr-1', 'cancelled', 5000)
    await expect
      .poll(() => later.map((e) => [e.seq, e.payment.status]))
      .toEqual([
        [processed + 1, 'cancelling'],
        [processed + 2, 'cancelled'],
      ])
  })
})
