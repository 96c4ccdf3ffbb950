import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { get as httpsGet } from 'node:https'
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { App } from '../../../src/app/app.js'
import { createContext } from '../../../src/app/context.js'
import { configSchema } from '../../../src/config/schema.js'
import { loadSecrets } from '../../../src/config/secrets.js'
import { createSilentLogger } from '../../../src/log/logger.js'
import { AdminServer } from '../../../src/ops/admin-server.js'
import { parsePrometheusText } from '../../helpers/prometheus-text.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const tempDir = useTempDir()
const TOKEN = 'tillbridge-demo-admin-token'
const apps: App[] = []
afterEach(async () => {
  for (const app of apps.splice(0)) await app.stop()
})

async function startApp(adminConfig: Record<string, unknown> = {}, gatewayConfig: Record<string, unknown> = {}) {
  const config = configSchema.parse({
    journal: { path: join(tempDir(), 'j.db') },
    gateway: { port: 0, ...gatewayConfig },
    simulator: { port: 0 },
    admin: { port: 0, tokenSha256: '893c2b41675d06f27496247bf2fa3a183fca8c8d89b42af2d3d946f307dd39aa', ...adminConfig },
  })
  const app = new App(createContext(config, loadSecrets(config, {}), { log: createSilentLogger() }))
  apps.push(app)
  await app.start()
  const admin = app.context.components.find((c): c is AdminServer => c instanceof AdminServer)
  if (!admin?.url) throw new Error('admin server not listening')
  return { app, url: admin.url }
}

const bearer = { authorization: `Bearer ${TOKEN}` }

describe('admin server', () => {
  it('answers /healthz without a token and refuses everything else without one', async () => {
    const { url } = await startApp()
    expect((await fetch(`${url}/healthz`)).status).toBe(200)
    for (const path of ['/readyz', '/metrics', '/', '/status', '/status.json']) {
      const res = await fetch(`${url}${path}`)
      expect(res.status, path).toBe(401)
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic/)
      const wrong = await fetch(`${url}${path}`, { headers: { authorization: 'Bearer not-the-token' } })
      expect(wrong.status, path).toBe(401)
    }
  })

  it('accepts the token as Bearer or as the Basic password', async () => {
    const { url } = await startApp()
    expect((await fetch(`${url}/readyz`, { headers: bearer })).status).toBe(200)
    const basic = `Basic ${Buffer.from(`tech:${TOKEN}`).toString('base64')}`
    expect((await fetch(`${url}/readyz`, { headers: { authorization: basic } })).status).toBe(200)
  })

  it('serves Prometheus text that parses, with the journal size', async () => {
    const { url, app } = await startApp()
    const res = await fetch(`${url}/metrics`, { headers: bearer })
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    const samples = parsePrometheusText(await res.text())
    const db = samples.find((s) => s.name === 'tillbridge_journal_bytes' && s.labels.file === 'db')
    expect(db?.value).toBe(app.context.statusSources.journal().bytes)
    expect(db?.value).toBeGreaterThan(0)
    expect(samples.find((s) => s.name === 'tillbridge_provider_up')?.value).toBe(1)
    for (const counted of ['tillbridge_events_expired_total', 'tillbridge_log_lines_lost_total']) {
      expect(samples.find((s) => s.name === counted)?.value, counted).toBe(0)
    }
  })

  it('survives slow headers and a socket flood: closed by the timeout or the cap, counted in /metrics', async () => {
    const { url, app } = await startApp({ headersTimeoutMs: 300, maxConnections: 8 }, { headersTimeoutMs: 300 })
    const { port } = new URL(url)
    const slow = await Promise.all(Array.from({ length: 8 }, () => openSocket(Number(port))))
    for (const s of slow) s.write('GET /status HTTP/1.1\r\nHost: x\r\n')
    const gatewaySlow = await openSocket(app.context.gateway.address().port)
    gatewaySlow.write('GET /v1 HTTP/1.1\r\nUpgrade: websocket\r\n')
    slow.push(gatewaySlow)
    // The cap is full: one more socket is dropped at once.
    const extra = await openSocket(Number(port))
    await new Promise((resolve) => extra.once('close', resolve))
    await Promise.all(slow.map((s) => new Promise((resolve) => s.once('close', resolve))))
    const samples = parsePrometheusText(await (await fetch(`${url}/metrics`, { headers: bearer })).text())
    const refused = (reason: string) =>
      samples.find(
        (s) => s.name === 'tillbridge_refusals_total' && s.labels.listener === 'admin' && s.labels.reason === reason,
      )?.value
    expect(refused('headers_timeout')).toBe(8)
    expect(refused('server_full')).toBe(1)
    const gatewayTimeouts = samples.find(
      (s) =>
        s.name === 'tillbridge_refusals_total' &&
        s.labels.listener === 'gateway' &&
        s.labels.reason === 'headers_timeout',
    )
    expect(gatewayTimeouts?.value).toBe(1)
  })

  it('serves https:// with admin.tls, and the token works over it', async () => {
    const dir = tempDir()
    const [certFile, keyFile] = [join(dir, 'cert.pem'), join(dir, 'key.pem')]
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'].concat([
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        keyFile,
        '-out',
        certFile,
      ]),
      { stdio: 'ignore' },
    )
    const { url } = await startApp({ tls: { certFile, keyFile } })
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    const ca = readFileSync(certFile)
    const get = (path: string, headers: Record<string, string> = {}) =>
      new Promise<number>((resolve, reject) => {
        httpsGet(`${url}${path}`, { ca, headers }, (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        }).on('error', reject)
      })
    expect(await get('/status.json')).toBe(401)
    expect(await get('/status.json', bearer)).toBe(200)
  })

  it('serves the status page and its JSON, with no secret in either', async () => {
    const { url } = await startApp()
    const page = await (await fetch(`${url}/`, { headers: bearer })).text()
    expect(page).toContain('<title>tillbridge status</title>')
    const status = (await (await fetch(`${url}/status.json`, { headers: bearer })).json()) as { ready: boolean }
    expect(status.ready).toBe(true)
    expect(JSON.stringify(status)).not.toContain(TOKEN)
    expect((await fetch(`${url}/nope`, { headers: bearer })).status).toBe(404)
    expect((await fetch(`${url}/healthz`, { method: 'POST' })).status).toBe(405)
  })
})

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' }, () => resolve(socket))
    socket.once('error', reject)
  })
}
