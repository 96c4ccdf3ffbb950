import { chmodSync, closeSync, openSync, readFileSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { CheckResult } from '../../../src/ops/doctor/check.js'
import { checkWalSize } from '../../../src/ops/doctor/journal.js'
import { createSystemClock } from '../../../src/shared/clock.js'
import { freePort } from '../../helpers/free-port.js'
import { writeVippsConfig } from '../../helpers/ops-config.js'
import { runCliCaptured } from '../../helpers/run-cli.js'
import { useSimulator } from '../../helpers/simulator.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const tempDir = useTempDir()
// Doctor compares the machine's clock with Vipps' Date header: the simulator runs on real time here.
const sim = useSimulator({ clock: createSystemClock(), environment: 'production' })

interface JsonReport {
  ok: boolean
  summary: Record<string, number>
  results: CheckResult[]
}

async function doctor(file: string) {
  const r = await runCliCaptured(['doctor', '--config', file, '--json'])
  const report = JSON.parse(r.stdout) as JsonReport
  const by = (check: string) => report.results.filter((x) => x.check === check)
  const one = (check: string) => {
    const [first, ...rest] = by(check)
    if (!first || rest.length > 0) throw new Error(`expected one "${check}" result, got ${by(check).length}`)
    return first
  }
  return { ...r, report, one }
}

describe('tillbridge doctor against Vipps (the simulator as provider.kind vipps)', () => {
  it('passes a healthy setup and exits 0; the text report has a line per check', async () => {
    const { file } = writeVippsConfig(tempDir(), { baseUrl: sim().baseUrl })
    await runCliCaptured(['migrate', '--config', file])
    const { code, report, one } = await doctor(file)
    expect(code).toBe(0)
    // The one warning: this test's Vipps is the simulator over plain http on loopback.
    expect(report.summary).toEqual({ pass: 10, warn: 1, fail: 0, skip: 0 })
    expect(one('security')).toMatchObject({ status: 'warn', finding: expect.stringMatching(/plain http/) })
    expect(one('token').finding).toMatch(/credential set "store": access token fetched/)
    expect(one('journal').finding).toMatch(/integrity_check ok/)

    const text = await runCliCaptured(['doctor', '--config', file])
    expect(text.code).toBe(0)
    for (const check of ['config', 'secrets', 'token', 'payments-allowed', 'push-allowed', 'capture-type', 'clock']) {
      expect(text.stdout).toMatch(new RegExp(`^PASS  ${check} `, 'm'))
    }
    expect(text.stdout).toMatch(/10 passed, 1 warning\(s\), 0 failed, 0 skipped/)
  })

  it('refused keys fail naming the credential set, never printing a key; the sales unit is skipped', async () => {
    const canary = 'canary-secret-5f0d9a'
    const { file } = writeVippsConfig(tempDir(), { baseUrl: sim().baseUrl, keys: { clientSecret: canary } })
    const { code, stdout, one } = await doctor(file)
    expect(code).toBe(3)
    expect(one('token')).toMatchObject({
      status: 'fail',
      finding: 'Vipps refused the keys of credential set "store" (HTTP 401)',
    })
    expect(one('token').fix).toContain(`provider.baseUrl is ${sim().baseUrl}`)
    expect(one('sales-unit').status).toBe('skip')
    const text = (await runCliCaptured(['doctor', '--config', file])).stdout
    for (const out of [stdout, text]) {
      expect(out).not.toContain(canary)
      expect(out).not.toContain('tillbridge-simulator-demo-subscription-key')
      expect(out).not.toContain('7c0c5a3e-1d2b-4f6a-9e8d-5b4a3c2d1e0f')
    }
  })

  it('reports each sales-unit setting: no payments fails; no push and DirectCapture warn with what to ask for', async () => {
    await sim().control('PUT', '/sales-units/123456', {
      paymentAllowed: false,
      skipLandingPageAllowed: false,
      captureType: 'DirectCapture',
    })
    const { file } = writeVippsConfig(tempDir(), { baseUrl: sim().baseUrl })
    const { code, one } = await doctor(file)
    expect(code).toBe(3)
    expect(one('payments-allowed')).toMatchObject({ status: 'fail', subject: '123456' })
    const push = one('push-allowed')
    expect(push.status).toBe('warn')
    expect(push.fix).toMatch(/enable the PUSH_MESSAGE user flow .* for MSN 123456/)
    expect(push.fix).toMatch(/QR flow .* works/)
    const capture = one('capture-type')
    expect(capture).toMatchObject({
      status: 'warn',
      finding: expect.stringContaining('DirectCapture (an eCom-era setting)'),
    })
    expect(capture.fix).toMatch(/ReserveCapture/)
    expect(capture.fix).toMatch(/eCom keys too\) keep working with ePayment/)
  })

  it('a 404 from the Management API means the MSN is not active for these keys', async () => {
    await sim().control('PUT', '/sales-units/654321', {})
    const { file } = writeVippsConfig(tempDir(), { baseUrl: sim().baseUrl, msn: '7654321' })
    const { code, one } = await doctor(file)
    expect(code).toBe(3)
    expect(one('sales-unit')).toMatchObject({
      status: 'fail',
      finding: expect.stringMatching(/^MSN 7654321 is not active for these keys \(HTTP 404/),
    })
  })

  it('warns about a clock 10 s off Vipps and fails at 60 s, telling them to enable NTP', async () => {
    const { file } = writeVippsConfig(tempDir(), { baseUrl: sim().baseUrl })
    await sim().control('POST', '/clock', { advanceMs: 10_000 })
    const first = await doctor(file)
    expect(first.one('clock')).toMatchObject({
      status: 'warn',
      finding: expect.stringMatching(/clock is (9|10)\.\d s behind Vipps/),
    })
    expect(first.one('clock').fix).toMatch(/timesyncd/)
    expect(first.code).toBe(0)
    await sim().control('POST', '/clock', { advanceMs: 50_000 })
    const second = await doctor(file)
    expect(second.one('clock').status).toBe('fail')
    expect(second.code).toBe(3)
  })

  it('an unreachable Vipps fails the token check with the reason and where it tried', async () => {
    const baseUrl = `http://127.0.0.1:${await freePort()}`
    const { file } = writeVippsConfig(tempDir(), { baseUrl })
    const { code, one } = await doctor(file)
    expect(code).toBe(3)
    expect(one('token')).toMatchObject({ status: 'fail', finding: expect.stringMatching(/ECONNREFUSED/) })
    expect(one('token').fix).toContain(`reaches ${baseUrl}`)
    expect(one('clock').status).toBe('skip')
  })
})

describe('tillbridge doctor: local checks', () => {
  it('an invalid config fails with every problem and skips what depends on it', async () => {
    const dir = tempDir()
    const file = join(dir, 'config.json')
    writeFileSync(file, JSON.stringify({ gateway: { port: -1 }, journal: { pth: 'x' } }))
    const { code, report, one } = await doctor(file)
    expect(code).toBe(3)
    expect(one('config').details).toHaveLength(2)
    expect(one('config').details).toEqual(
      expect.arrayContaining([expect.stringMatching(/^gateway\.port: /), 'journal.pth: unknown key']),
    )
    expect(report.results.filter((r) => r.status === 'skip').map((r) => r.check)).toEqual([
      'secrets',
      'vipps',
      'journal',
    ])
  })

  it('unreadable secrets fail, each named by its key and file', async () => {
    const dir = tempDir()
    const { file } = writeVippsConfig(dir, { baseUrl: 'http://127.0.0.1:1' })
    const config = JSON.parse(readFileSync(file, 'utf8'))
    config.provider.credentialSets[0].clientSecret = { file: join(dir, 'missing') }
    config.admin = { token: { credential: 'admin-token' } }
    writeFileSync(file, JSON.stringify(config))
    const { code, one } = await doctor(file)
    expect(code).toBe(3)
    expect(one('secrets').details).toEqual([
      `provider.credentialSets.0.clientSecret: cannot read ${join(dir, 'missing')} (ENOENT)`,
      'admin.token: credential "admin-token" named but $CREDENTIALS_DIRECTORY is not set',
    ])
  })

  it('the built-in simulator serves the Vipps checks when provider.kind is simulator', async () => {
    const dir = tempDir()
    const file = join(dir, 'config.json')
    const journal = { path: join(dir, 'j.db') }
    writeFileSync(file, JSON.stringify({ journal, simulator: { environment: 'production' } }))
    const { code, one } = await doctor(file)
    expect(code).toBe(0)
    expect(one('payments-allowed').subject).toBe('123456')
    expect(one('clock').status).toBe('pass')
    expect(one('journal').status).toBe('warn')
    expect(one('security')).toMatchObject({
      status: 'warn',
      finding: expect.stringMatching(/^SIMULATOR: .*no money moves/),
    })
  })

  it('warns about secret files and a journal that other users can read', async () => {
    const dir = tempDir()
    const { file, journal } = writeVippsConfig(dir, { baseUrl: 'https://vipps.example' })
    await runCliCaptured(['migrate', '--config', file])
    chmodSync(join(dir, 'client-secret'), 0o644)
    chmodSync(journal, 0o644)
    const { report } = await doctor(file)
    const findings = report.results.filter((r) => r.check === 'permissions')
    expect(findings.map((r) => [r.status, r.subject])).toEqual([
      ['warn', join(dir, 'client-secret')],
      ['warn', journal],
    ])
    expect(findings[0]?.fix).toBe(`chmod 0600 ${join(dir, 'client-secret')}`)
  })

  it('on a test-environment simulator doctor passes and says why the Management checks were skipped', async () => {
    const dir = tempDir()
    const file = join(dir, 'config.json')
    writeFileSync(file, JSON.stringify({ journal: { path: join(dir, 'j.db') } }))
    const { code, one } = await doctor(file)
    expect(code).toBe(0)
    const skipped = one('sales-unit')
    expect(skipped.status).toBe('skip')
    expect(skipped.finding).toMatch(/Management API in production only.*test environment/)
    expect(one('token').status).toBe('pass')
  })

  it('a damaged journal fails with the advice to stop the daemon and restore from backup', async () => {
    const dir = tempDir()
    const { file, journal } = writeVippsConfig(dir, { baseUrl: 'http://127.0.0.1:1' })
    await runCliCaptured(['migrate', '--config', file])
    const fd = openSync(journal, 'r+')
    // Overwrite the second page (a table's b-tree page) with junk; the header stays valid.
    writeSync(fd, Buffer.alloc(512, 0x5a), 0, 512, 4096 + 8)
    closeSync(fd)
    expect(statSync(journal).size).toBeGreaterThan(4096)
    const { one } = await doctor(file)
    const result = one('journal')
    expect(result.status).toBe('fail')
    expect(result.finding).toMatch(/is damaged: integrity_check found \d+ problem|cannot be read as a journal/)
    expect(result.fix).toMatch(/stop the daemon .* restore the journal from the latest backup/)
  })

  it('warns when the write-ahead log is over 64 MB, and names what holds checkpoints back', () => {
    const journal = join(tempDir(), 'j.db')
    expect(checkWalSize(journal)).toMatchObject({ status: 'pass', finding: 'write-ahead log 0 kB' })
    writeFileSync(`${journal}-wal`, '')
    truncateSync(`${journal}-wal`, 65 * 1024 * 1024)
    const result = checkWalSize(journal)
    expect(result).toMatchObject({ status: 'warn', finding: 'write-ahead log 65.0 MB (over 64.0 MB)' })
    expect(result.fix).toMatch(/keeps a read open/)
  })
})
