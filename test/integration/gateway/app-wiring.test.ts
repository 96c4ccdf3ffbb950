import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { App } from '../../../src/app/app.js'
import { createContext } from '../../../src/app/context.js'
import { configSchema } from '../../../src/config/schema.js'
import { loadSecrets, sha256Hex } from '../../../src/config/secrets.js'
import { createSilentLogger } from '../../../src/log/logger.js'
import { takeSnapshot } from '../../../src/ops/status-snapshot.js'
import { MemoryPayments } from '../../helpers/memory-payments.js'
import { RawTill } from '../../helpers/raw-till.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const tempDir = useTempDir()
const apps: App[] = []
afterEach(async () => {
  for (const app of apps.splice(0)) await app.stop()
})

describe('the gateway in the daemon', () => {
  it('starts with the app, shows its tills on the status page, and tells tills 1001 on stop', async () => {
    const config = configSchema.parse({
      journal: { path: join(tempDir(), 'j.db') },
      gateway: { port: 0, tills: [{ id: 'till-1', tokenSha256: sha256Hex('secret-token-1') }] },
      admin: { enabled: false },
    })
    const payments = new MemoryPayments()
    const app = new App(createContext(config, loadSecrets(config, {}), { log: createSilentLogger(), payments }))
    apps.push(app)
    await app.start()
    const gateway = app.context.gateway
    if (!gateway) throw new Error('gateway not wired')
    const url = app.listening().find((l) => l.name === 'gateway')?.url
    expect(url).toBe(`ws://127.0.0.1:${gateway.address().port}/v1`)
    const till = await RawTill.hello(url ?? '', { token: 'secret-token-1' })
    expect(takeSnapshot(app.context.statusSources).tills).toEqual([{ id: 'till-1', connections: 1 }])
    await app.stop()
    expect((await till.closed).code).toBe(1001)
  })
})
