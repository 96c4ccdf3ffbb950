import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { App } from '../../../src/app/app.js'
import { createContext } from '../../../src/app/context.js'
import { configSchema } from '../../../src/config/schema.js'
import { loadSecrets } from '../../../src/config/secrets.js'
import { createSilentLogger } from '../../../src/log/logger.js'
import { takeSnapshot } from '../../../src/ops/status-snapshot.js'
import { parsePrometheusText } from '../../helpers/prometheus-text.js'
import { useConformingFetch } from '../../helpers/recording-fetch.js'
import { DEMO, pushPayment, useSimulator } from '../../helpers/simulator.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const tempDir = useTempDir()
const getSim = useSimulator({ environment: 'production' })
const conforming = useConformingFetch()

async function startedApp(provider: Record<string, unknown>) {
  const dir = tempDir()
  const config = configSchema.parse({ journal: { path: join(dir, 'j.db') }, admin: { enabled: false }, provider })
  const recorder = conforming(globalThis.fetch)
  const app = new App(
    createContext(config, loadSecrets(config, {}), { log: createSilentLogger(), fetch: recorder.fetch }),
  )
  await app.start()
  return { app, recorder }
}

describe('the composition root', () => {
  it('with provider.kind "simulator", serves the embedded simulator with its demo keys after it listens', async () => {
    const { app, recorder } = await startedApp({ kind: 'simulator' })
    try {
      const { vipps, components } = app.context
      expect(components.map((c) => c.name).slice(0, 4)).toEqual(['simulator', 'journal-lock', 'journal', 'vipps'])
      expect(vipps.msns()).toEqual([DEMO.msn])
      const reference = 'wiring-sim-1'
      const request = { idempotencyKey: `${reference}-c`, body: JSON.stringify(pushPayment({ reference })) }
      await expect(vipps.epayment(DEMO.msn).createPayment(request)).resolves.toMatchObject({ reference })
      await expect(vipps.epayment(DEMO.msn).getPayment(reference)).resolves.toMatchObject({ state: 'CREATED' })
      expect(recorder.sent.map((r) => `${r.method} ${r.path}`)).toEqual([
        'POST /accesstoken/get',
        'POST /epayment/v1/payments',
        `GET /epayment/v1/payments/${reference}`,
      ])
    } finally {
      await app.stop()
    }
  })

  it('with provider.kind "vipps", reads keys from secrets and reports health, token expiry and calls', async () => {
    const sim = getSim()
    const dir = tempDir()
    const secret = (name: string, value: string) => {
      writeFileSync(join(dir, name), value)
      return { file: join(dir, name) }
    }
    const { app } = await startedApp({
      kind: 'vipps',
      baseUrl: sim.baseUrl,
      credentialSets: [
        {
          name: 'store',
          clientId: secret('id', DEMO.clientId),
          clientSecret: secret('secret', DEMO.clientSecret),
          subscriptionKey: secret('key', DEMO.subscriptionKey),
        },
      ],
      salesUnits: [{ msn: DEMO.msn, credentialSet: 'store' }],
    })
    try {
      const { vipps, components, statusSources, metrics } = app.context
      expect(components.map((c) => c.name).slice(0, 3)).toEqual(['journal-lock', 'journal', 'vipps'])
      await expect(vipps.merchant(DEMO.msn).getSalesUnit()).resolves.toMatchObject({ msn: DEMO.msn })
      expect(sim.exchanges.filter((e) => e.path === '/accesstoken/get')).toHaveLength(1)
      const provider = takeSnapshot(statusSources).provider
      expect(provider).toMatchObject({ kind: 'vipps', state: 'ok' })
      expect(provider.tokenSecondsLeft.store).toBeGreaterThan(3500)
      expect(parsePrometheusText(await metrics.text())).toContainEqual(
        expect.objectContaining({
          name: 'tillbridge_provider_calls_total',
          labels: { operation: 'getSalesUnit', outcome: 'ok' },
          value: 1,
        }),
      )
    } finally {
      await app.stop()
    }
  })
})
