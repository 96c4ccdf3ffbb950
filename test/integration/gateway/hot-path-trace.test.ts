import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { App } from '../../../src/app/app.js'
import { createContext } from '../../../src/app/context.js'
import { TillClient } from '../../../src/client/index.js'
import { configSchema } from '../../../src/config/schema.js'
import { loadSecrets, sha256Hex } from '../../../src/config/secrets.js'
import { createSilentLogger } from '../../../src/log/logger.js'
import { TRACE_STAGES } from '../../../src/shared/hot-path-trace.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const tempDir = useTempDir()
const apps: App[] = []
afterEach(async () => {
  for (const app of apps.splice(0)) await app.stop()
})

describe('the hot-path trace in the daemon (TILLBRIDGE_TRACE_FILE)', () => {
  it('stamps all eight stages of a sale, in order, from the till frame to the pending event', async () => {
    const dir = tempDir()
    const traceFile = join(dir, 'trace.jsonl')
    const config = configSchema.parse({
      journal: { path: join(dir, 'j.db') },
      gateway: { port: 0, tills: [{ id: 'till-1', tokenSha256: sha256Hex('secret-token-1') }] },
      admin: { enabled: false },
    })
    const app = new App(
      createContext(config, loadSecrets(config, {}), {
        log: createSilentLogger(),
        runtime: { env: { TILLBRIDGE_TRACE_FILE: traceFile }, pid: 0 },
      }),
    )
    apps.push(app)
    await app.start()
    const url = app.listening().find((l) => l.name === 'gateway')?.url ?? ''
    const till = new TillClient({ url, token: 'secret-token-1' })
    await till.connect()
    await till.createPayment({
      key: 'sale-1',
      amount: { value: 4990, currency: 'NOK' },
      flow: 'push',
      customer: { phoneNumber: '4790000000' },
    })
    await till.waitFor('sale-1', 'pending', 10_000)
    await till.close()
    await app.stop()
    apps.pop()

    const lines = readFileSync(traceFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown)
    const sales = lines.filter((l): l is number[] => Array.isArray(l))
    expect(sales).toHaveLength(1)
    const [stamps] = sales as [number[]]
    expect(stamps).toHaveLength(TRACE_STAGES.length)
    expect(stamps.every((s) => typeof s === 'number' && Number.isFinite(s))).toBe(true)
    expect(stamps.every((s, i) => i === 0 || s >= (stamps[i - 1] as number))).toBe(true)
    expect(lines.at(-1)).toMatchObject({ eventLoopDelayMs: { samples: expect.any(Number) } })
  })
})
