import { existsSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TOKENS, useGateway } from '../../helpers/gateway-harness.js'
import { MemoryPayments } from '../../helpers/memory-payments.js'

const CHROMIUM = '/usr/bin/chromium'
const haveChromium = existsSync(CHROMIUM)
if (!haveChromium) {
  console.warn(`SKIPPED cross-site WebSocket test: ${CHROMIUM} is missing (apt-get install -y chromium)`)
}

const startGateway = useGateway()

/** A page, served from its own origin, that tries to drive the daemon with a stolen till token. */
function attackPage(wsUrl: string): string {
  return `<!doctype html><script>
  window.outcome = new Promise((resolve) => {
    const frames = []
    const ws = new WebSocket(${JSON.stringify(wsUrl)})
    ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', token: ${JSON.stringify(TOKENS['till-a'])} }))
    ws.onmessage = (m) => {
      frames.push(JSON.parse(m.data))
      if (frames.length === 1) ws.send(JSON.stringify({ type: 'payment.create', id: 'r1', key: 'stolen',
        amount: { value: 100000, currency: 'NOK' }, flow: 'qr' }))
      if (frames.length === 3) ws.close()
    }
    ws.onclose = (e) => resolve({ code: e.code, frames })
  })
</script>`
}

describe.skipIf(!haveChromium)('a web page in headless Chromium', () => {
  let browser: Browser
  let pageServer: Server
  let pageOrigin: string
  let wsUrl = ''

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
    })
    pageServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(attackPage(wsUrl)))
    await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve))
    pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await new Promise((resolve) => pageServer?.close(resolve))
  })

  async function visit(): Promise<{ code: number; frames: Array<{ type: string }> }> {
    const page = await browser.newPage()
    try {
      await page.goto(`${pageOrigin}/`)
      return await page.evaluate(() => (globalThis as unknown as { outcome: Promise<never> }).outcome)
    } finally {
      await page.close()
    }
  }

  it('from another origin is refused at the upgrade with 403, and nothing is handled', async () => {
    const payments = new MemoryPayments()
    const { url, logText, gateway } = await startGateway({ payments })
    wsUrl = url
    const outcome = await visit()
    // A refused handshake is all a page can see: no open, no frames, close code 1006.
    expect(outcome).toEqual({ code: 1006, frames: [] })
    expect(logText()).toMatch(/"message":"till upgrade refused".*"origin":"http:\/\/127\.0\.0\.1:\d+".*"status":403/)
    expect(logText()).not.toContain('till connected')
    expect(payments.writes).toBe(0)
    expect(gateway.connections).toBe(0)
  })

  it('from an allowed origin gets through (so the refusal above is the Origin check at work)', async () => {
    const payments = new MemoryPayments()
    const { url } = await startGateway({ payments, gateway: { allowedOrigins: [pageOrigin] } })
    wsUrl = url
    const outcome = await visit()
    expect(outcome.frames.map((f) => f.type).sort()).toEqual(['event', 'result', 'welcome'])
    expect(payments.writes).toBe(1)
  })
})
