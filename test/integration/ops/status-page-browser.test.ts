import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type BrowserContext, chromium } from 'playwright-core'
import { afterEach, describe, expect, it } from 'vitest'
import { App } from '../../../src/app/app.js'
import { createContext } from '../../../src/app/context.js'
import { configSchema } from '../../../src/config/schema.js'
import { loadSecrets, sha256Hex } from '../../../src/config/secrets.js'
import { createSilentLogger } from '../../../src/log/logger.js'
import { AdminServer } from '../../../src/ops/admin-server.js'
import { TILL_TOKENS, useOpsDaemon } from '../../helpers/ops-daemon.js'
import { RawTill } from '../../helpers/raw-till.js'
import { useSimulator } from '../../helpers/simulator.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const CHROMIUM = '/usr/bin/chromium'
const haveChromium = existsSync(CHROMIUM)
if (!haveChromium)
  console.warn(`SKIPPED status page browser test: ${CHROMIUM} is missing (apt-get install -y chromium)`)

/** Kept on disk for people (and CI) to look at; git-ignored. */
const ARTIFACTS = new URL('../../../test-artifacts/', import.meta.url).pathname
const tempDir = useTempDir()
const sim = useSimulator({ rateLimitScale: 0 })
const startDaemon = useOpsDaemon(sim)
const contexts: Array<{ context: BrowserContext; profile: string }> = []
afterEach(async () => {
  for (const { context, profile } of contexts.splice(0)) {
    await context.close()
    rmSync(profile, { recursive: true, force: true })
  }
})

/** Headless Chromium with a fresh profile, the admin token given as the Basic password. */
async function browser(): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), 'tillbridge-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
    viewport: { width: 1100, height: 900 },
    httpCredentials: { username: 'technician', password: 'ops-admin-token' },
  })
  contexts.push({ context, profile })
  return context
}

describe.skipIf(!haveChromium)('the status page in headless Chromium', () => {
  it("renders a running daemon's tills and payments, and a screenshot is kept", { timeout: 60_000 }, async () => {
    const d = await startDaemon(tempDir())
    if (!d.adminUrl) throw new Error('admin not listening')
    const one = await d.till('till-1')
    const paid = await d.pay(one, 'sale-1001', 12550, 'approve')
    await d.pay(one, 'sale-1002', 4990, 'reject')
    const waiting = await d.pay(one, 'sale-1003', 2500, 'wait')
    // A second till on a bare socket, so two tills show as connected.
    const two = await RawTill.hello(d.gatewayUrl, { token: TILL_TOKENS['till-2'] })

    const page = await (await browser()).newPage()
    const problems: string[] = []
    page.on('pageerror', (err) => problems.push(err.message))
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text())
    })
    const response = await page.goto(`${d.adminUrl}/`)
    expect(response?.status()).toBe(200)
    // The page fills itself from /status.json; wait for the first fill.
    await page.locator('#recent tr').nth(2).waitFor()

    const text = (selector: string) => page.locator(selector).innerText()
    expect(await text('#ready')).toBe('ready')
    expect(await text('#provider-state')).toBe('ok')
    // provider.kind is vipps here: no simulator banner.
    expect(await page.locator('#simulator-banner').isHidden()).toBe(true)
    expect(await text('#token')).toMatch(/^(59|60) min left$/)
    expect(await text('#fetch-state')).toBe('')
    const tills = await page.locator('#tills tr').allInnerTexts()
    expect(tills.map((row) => row.split('\t'))).toEqual([
      ['till-1', '1'],
      ['till-2', '1'],
    ])
    const byStatus = Object.fromEntries(
      (await page.locator('#by-status tr').allInnerTexts()).map((row) => row.split('\t') as [string, string]),
    )
    expect(byStatus).toEqual({ captured: '1', declined: '1', pending: '1' })
    const recent = (await page.locator('#recent tr').allInnerTexts()).map((row) => row.split('\t'))
    const row = (key: string) => recent.find((r) => r[2] === key)
    expect(row('sale-1001')?.slice(1)).toEqual(['till-1', 'sale-1001', paid.reference, '125.50 NOK', 'captured'])
    expect(row('sale-1002')?.slice(4)).toEqual(['49.90 NOK', 'declined'])
    expect(row('sale-1003')?.slice(3)).toEqual([waiting.reference, '25.00 NOK', 'pending'])
    expect(await text('#unacked')).toMatch(/^\d+$/)
    expect(await text('#oldest')).toMatch(/^\d+ s$/)
    const body = await page.content()
    expect(body).not.toContain('4791234560')
    expect(body).not.toContain('ops-admin-token')
    expect(problems).toEqual([])

    mkdirSync(ARTIFACTS, { recursive: true })
    const shot = join(ARTIFACTS, 'status-page.png')
    await page.screenshot({ path: shot, fullPage: true })
    expect(statSync(shot).size).toBeGreaterThan(10_000)
    two.close()
  })

  it('shows the simulator banner when provider.kind is simulator', { timeout: 60_000 }, async () => {
    const config = configSchema.parse({
      journal: { path: join(tempDir(), 'j.db') },
      gateway: { port: 0 },
      provider: { kind: 'simulator' },
      simulator: { port: 0 },
      admin: { port: 0, tokenSha256: sha256Hex('ops-admin-token') },
      reconcile: { enabled: false },
    })
    const app = new App(createContext(config, loadSecrets(config, {}), { log: createSilentLogger() }))
    await app.start()
    try {
      const admin = app.context.components.find((c): c is AdminServer => c instanceof AdminServer)
      const page = await (await browser()).newPage()
      await page.goto(`${admin?.url}/`)
      await page.locator('#provider-kind').filter({ hasText: 'simulator' }).waitFor()
      expect(await page.locator('#simulator-banner').isVisible()).toBe(true)
      expect(await page.locator('#simulator-banner').innerText()).toMatch(/^SIMULATOR: .*no money moves$/)
    } finally {
      await app.stop()
    }
  })
})
