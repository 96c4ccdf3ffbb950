import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createContext } from '../../../src/app/context.js'
import { configSchema } from '../../../src/config/schema.js'
import type { Secrets } from '../../../src/config/secrets.js'
import { createSilentLogger } from '../../../src/log/logger.js'
import { ManualClock } from '../../../src/shared/manual-clock.js'
import { EmbeddedSimulator } from '../../../src/simulator/embedded.js'
import { MAIN_JS, startDaemon } from '../../helpers/daemon-process.js'
import { DEMO } from '../../helpers/simulator.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const tempDir = useTempDir()
const noSecrets: Secrets = {
  credentialSets: new Map(),
  tillTokenHashes: new Map(),
  previousTillTokenHashes: new Map(),
  adminTokenHash: undefined,
  values: [],
}

async function tokenStatus(baseUrl: string): Promise<number> {
  const res = await fetch(`${baseUrl}/accesstoken/get`, {
    method: 'POST',
    headers: {
      client_id: DEMO.clientId,
      client_secret: DEMO.clientSecret,
      'ocp-apim-subscription-key': DEMO.subscriptionKey,
    },
  })
  await res.arrayBuffer()
  return res.status
}

describe('the simulator embedded in the daemon', () => {
  it('is built first from config.simulator when provider.kind is simulator, and not otherwise', () => {
    const dir = tempDir()
    const config = configSchema.parse({ journal: { path: join(dir, 'j.db') }, simulator: { seed: 7 } })
    const overrides = { clock: new ManualClock(), log: createSilentLogger() }
    const context = createContext(config, noSecrets, overrides)
    expect(context.simulator).toBeInstanceOf(EmbeddedSimulator)
    expect(context.components[0]).toBe(context.simulator)
    const vipps = configSchema.parse({ journal: { path: join(dir, 'j.db') }, provider: { kind: 'vipps' } })
    const real = createContext(vipps, noSecrets, overrides)
    expect(real.simulator).toBeUndefined()
    expect(real.components.some((c) => c.name === 'simulator')).toBe(false)
  })

  it('shows in the ready line and answers there while the daemon runs', async () => {
    const dir = tempDir()
    const file = join(dir, 'config.json')
    writeFileSync(
      file,
      JSON.stringify({ journal: { path: join(dir, 'j.db') }, gateway: { port: 0 }, admin: { port: 0 } }),
    )
    const daemon = startDaemon(['run', '--config', file])
    try {
      const ready = await daemon.waitForLine((l) => l.message === 'ready')
      const listening = ready.listening as Array<{ name: string; url: string }>
      const simulator = listening.find((l) => l.name === 'simulator')
      expect(simulator?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(await tokenStatus(simulator?.url ?? '')).toBe(200)
    } finally {
      daemon.child.kill('SIGTERM')
      await daemon.exited
    }
  })
})

describe('tillbridge simulator', () => {
  it('prints its URL and the demo credentials, serves, and exits 0 on SIGINT', async () => {
    const sim = startDaemon(['simulator', '--port', '0', '--seed', '5', '--token-ttl', '60'])
    const listening = await sim.waitForLine((l) => l.message === 'simulator listening')
    const url = String(listening.url)
    await sim.waitForLine((l) => String(l.raw ?? '').includes('Merchant-Serial-Number'))
    const banner = sim.lines.map((l) => String(l.raw ?? '')).join('\n')
    expect(banner).toContain(`listening on ${url}`)
    expect(banner).toContain(DEMO.clientSecret)
    expect(await tokenStatus(url)).toBe(200)
    sim.child.kill('SIGINT')
    expect(await sim.exited).toEqual({ code: 0, signal: null })
  })

  it('refuses a bad flag with the usage exit code', () => {
    const r = spawnSync(process.execPath, [MAIN_JS, 'simulator', '--token-ttl', 'soon'], { encoding: 'utf8' })
    expect(r.status).toBe(64)
    expect(r.stderr).toMatch(/--token-ttl/)
  })
})
