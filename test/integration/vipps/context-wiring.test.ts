import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { App } from '../../../src/app/app.js'
import { createContext } from '../../../src/app/context.js'
import { configSchema } from '../../../src/config/schema.js'
import { loadSecrets } from '../../../src/config/secrets.js'
import { createSilentLogger } from '../../../src/log/logger.js'
import { takeSnapshot } from '../../../src/ops/status-snapshot.js'
import { LoopbackVipps } from '../../helpers/loopback-vipps.js'
import { parsePrometheusText } from '../../helpers/prometheus-text.js'
import { useTempDir } from '../../helpers/temp-dir.js'
import { TEST_CREDENTIALS } from '../../helpers/vipps-fixture.js'

const tempDir = useTempDir()
const server = new LoopbackVipps()
let baseUrl = ''
beforeAll(async () => {
  baseUrl = await server.start()
})
afterAll(() => server.stop())

describe('the composition root with provider.kind "vipps"', () => {
  it('starts the Vipps clients after the journal and reports health, token expiry and calls', async () => {
    const dir = tempDir()
    const secret = (name: string, value: string) => {
      writeFileSync(join(dir, name), value)
      return { file: join(dir, name) }
    }
    const config = configSchema.parse({
      journal: { path: join(dir, 'j.db') },
      admin: { enabled: false },
      provider: {
        kind: 'vipps',
        baseUrl,
        credentialSets: [
          {
            name: 'store',
            clientId: secret('id', TEST_CREDENTIALS.clientId),
            clientSecret: secret('secret', TEST_CREDENTIALS.clientSecret),
            subscriptionKey: secret('key', TEST_CREDENTIALS.subscriptionKey),
          },
        ],
        salesUnits: [{ msn: '123456', credentialSet: 'store' }],
      },
    })
    const app = new App(createContext(config, loadSecrets(config, {}), { log: createSilentLogger() }))
    const { vipps, components, statusSources, metrics } = app.context
    expect(components.map((c) => c.name).slice(0, 2)).toEqual(['journal', 'vipps'])
    await app.start()
    try {
      await expect(vipps.epayment('123456').getPayment('wiring-ref-1')).resolves.toMatchObject({
        reference: 'wiring-ref-1',
      })
      expect(server.arrivals.filter((a) => a.path === '/accesstoken/get')).toHaveLength(1)
      const provider = takeSnapshot(statusSources).provider
      expect(provider).toMatchObject({ kind: 'vipps', state: 'ok' })
      expect(provider.tokenSecondsLeft.store).toBeGreaterThan(3500)
      const samples = parsePrometheusText(await metrics.text())
      expect(samples).toContainEqual(
        expect.objectContaining({
          name: 'tillbridge_provider_calls_total',
          labels: { operation: 'getPayment', outcome: 'ok' },
          value: 1,
        }),
      )
    } finally {
      await app.stop()
    }
  })
})
