import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { App } from '../../../src/app/app.js'
import { createContext } from '../../../src/app/context.js'
import { configSchema } from '../../../src/config/schema.js'
import { loadSecrets, sha256Hex } from '../../../src/config/secrets.js'
import { AdminServer } from '../../../src/ops/admin-server.js'
import { LOUD_WARNING_INTERVAL_MS, LoudWarnings, loudWarnings } from '../../../src/ops/loud-warnings.js'
import { ManualClock } from '../../../src/shared/manual-clock.js'
import { captureLogger } from '../../helpers/capture-log.js'
import { RawTill } from '../../helpers/raw-till.js'
import { runCliCaptured } from '../../helpers/run-cli.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const tempDir = useTempDir()
const TILL_TOKEN = 'sim-warning-till-token-0123456789'
const ADMIN_TOKEN = 'sim-warning-admin-token-0123456789'
const apps: App[] = []
afterEach(async () => {
  for (const app of apps.splice(0)) await app.stop()
})

describe('a daemon on the built-in simulator says so everywhere', () => {
  it('in the log, in welcome, in /status.json, on the status page and in till pay', async () => {
    const config = configSchema.parse({
      journal: { path: join(tempDir(), 'j.db') },
      gateway: { port: 0, tills: [{ id: 'till-1', tokenSha256: sha256Hex(TILL_TOKEN) }] },
      provider: { kind: 'simulator' },
      simulator: { port: 0, approveDelayMs: 50 },
      admin: { port: 0, tokenSha256: sha256Hex(ADMIN_TOKEN) },
      reconcile: { enabled: false },
    })
    const { log, text } = captureLogger()
    const app = new App(createContext(config, loadSecrets(config, {}), { log }))
    apps.push(app)
    await app.start()

    expect(text()).toMatch(
      /"level":"warn","message":"SIMULATOR: provider\.kind is \\"simulator\\"; no payment reaches Vipps/,
    )

    const [gateway] = app.context.gateway.listening()
    const till = await RawTill.hello(gateway?.url ?? '', { token: TILL_TOKEN })
    expect(till.frames[0]).toMatchObject({ type: 'welcome', provider: { kind: 'simulator' } })

    const admin = app.context.components.find((c): c is AdminServer => c instanceof AdminServer)
    const headers = { authorization: `Bearer ${ADMIN_TOKEN}` }
    const status = (await (await fetch(`${admin?.url}/status.json`, { headers })).json()) as {
      provider: { kind: string }
    }
    expect(status.provider.kind).toBe('simulator')
    const page = await (await fetch(`${admin?.url}/`, { headers })).text()
    expect(page).toContain('id="simulator-banner"')
    expect(page).toContain("$('simulator-banner').hidden = s.provider.kind !== 'simulator'")

    const pay = await runCliCaptured([
      'till',
      'pay',
      '125.50',
      '--phone',
      '4791234561',
      '--url',
      gateway?.url ?? '',
      '--token',
      TILL_TOKEN,
      '--timeout',
      '10',
    ])
    expect(pay.code, pay.stderr).toBe(0)
    expect(pay.stdout).toMatch(/^SIMULATOR: the daemon runs the built-in Vipps simulator; no money moves$/m)
    expect(pay.stdout).toMatch(/captured: 125\.50 NOK taken \(simulated: no money moved\)/)
  })

  it('repeats the warning every hour, and says nothing with kind vipps over https on loopback', async () => {
    const clock = new ManualClock()
    const { log, lines } = captureLogger()
    const simulated = configSchema.parse({ provider: { kind: 'simulator' } })
    const warnings = new LoudWarnings(loudWarnings(simulated), clock, log)
    await warnings.start()
    await clock.advance(LOUD_WARNING_INTERVAL_MS - 1)
    expect(lines.filter((l) => l.includes('SIMULATOR:'))).toHaveLength(1)
    await clock.advance(1)
    expect(lines.filter((l) => l.includes('SIMULATOR:'))).toHaveLength(2)
    await warnings.stop()

    const real = configSchema.parse({ provider: { kind: 'vipps', baseUrl: 'https://api.vipps.no' } })
    expect(loudWarnings(real)).toEqual([])
  })
})
