import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { certify } from '../../../src/certify/certify.js'
import type { CertifyReport } from '../../../src/certify/report.js'
import { loadConfig } from '../../../src/config/load.js'
import { loadSecrets } from '../../../src/config/secrets.js'
import { createSystemClock } from '../../../src/shared/clock.js'
import { SIMULATOR_DEMO_CREDENTIALS as DEMO } from '../../../src/simulator/demo.js'
import { writeVippsConfig } from '../../helpers/ops-config.js'
import { runCliCaptured } from '../../helpers/run-cli.js'
import { useSimulator } from '../../helpers/simulator.js'
import { useTempDir } from '../../helpers/temp-dir.js'

/**
 * `tillbridge certify` against a simulator standing in for Vipps' test environment: the daemon's
 * real engine, journal and Vipps client, approvals through the test-only force-approve endpoint,
 * with the real polling rhythm (5 s, then 2 s). The report is checked against the simulator's
 * own ledger, never against what certify says about itself.
 */

const tempDir = useTempDir('tillbridge-certify-')
const sim = useSimulator()
// Certify runs on real time while the simulator's clock is manual: keep the simulator's time moving
// with the wall clock, or a cancel right after an approval would meet Vipps' processing window
// (6250) forever, as it would on a Vipps whose time stood still.
let ticker: NodeJS.Timeout | undefined
beforeEach(() => {
  ticker = setInterval(() => sim().advance(100), 100)
})
afterEach(() => clearInterval(ticker))
// The simulator's customer who waits for an approval (last digit 0).
const TEST_USER = '4791234560'

interface LedgerPayment {
  reference: string
  pspReference: string
  state: string
  amount: { value: number; currency: string }
  customerInteraction: string
  aggregate: Record<'capturedAmount' | 'refundedAmount' | 'cancelledAmount', { value: number }>
}

async function ledger(): Promise<Map<string, LedgerPayment>> {
  const r = await sim().control<{ payments: LedgerPayment[] }>('GET', '/payments')
  return new Map(r.body.payments.map((p) => [p.reference, p]))
}

function readReport(out: string): CertifyReport {
  return JSON.parse(readFileSync(join(out, 'certify-report.json'), 'utf8')) as CertifyReport
}

// Each run follows Vipps' real polling rhythm (first read after 5 s, then every 2 s) and the 2 s
// processing window after an approval, about 12 s on a quiet machine: room for a loaded one.
describe('tillbridge certify', () => {
  it("passes every flow against the test environment's stand-in; the JSON report matches Vipps' ledger", async () => {
    const dir = tempDir()
    const { file } = writeVippsConfig(dir, { baseUrl: sim().baseUrl })
    const out = join(dir, 'evidence')
    const r = await runCliCaptured(['certify', '--config', file, '--phone', TEST_USER, '--out', out])
    expect(r.code, r.stdout + r.stderr).toBe(0)
    // One progress line per flow, and both reports.
    expect(r.stdout.split('\n').filter((l) => /^ok {5}\S/.test(l))).toHaveLength(9)
    expect(readFileSync(join(out, 'certify-report.md'), 'utf8')).toContain('# tillbridge certify: every check behaved')

    const report = readReport(out)
    expect(report).toMatchObject({ ok: true, environment: 'test', msn: DEMO.msn })
    expect(report.approvals).toContain('force-approve')
    expect(report.flows.map((f) => f.id).sort()).toEqual(
      [
        'cancel-after-approval',
        'cancel-before-approval',
        'manual-capture-full',
        'partial-capture',
        'polling',
        'push-auto-capture',
        'qr',
        'refunds',
        'refusal-over-refund',
      ].sort(),
    )
    const vipps = await ledger()
    expect(vipps.size).toBe(9)
    for (const flow of report.flows) {
      const at = vipps.get(flow.reference ?? '')
      expect(at, flow.id).toBeDefined()
      expect({ id: flow.id, psp: flow.pspReference, amount: flow.amount }).toEqual({
        id: flow.id,
        psp: at?.pspReference,
        amount: at?.amount,
      })
      expect([flow.captured, flow.refunded, flow.cancelled], flow.id).toEqual([
        at?.aggregate.capturedAmount.value,
        at?.aggregate.refundedAmount.value,
        at?.aggregate.cancelledAmount.value,
      ])
      expect(at?.customerInteraction).toBe('CUSTOMER_PRESENT')
      const final = flow.statuses.at(-1)?.status
      expect(final, flow.id).toBe(
        flow.id === 'refunds'
          ? 'refunded'
          : flow.id.startsWith('cancel') || flow.id === 'polling'
            ? 'cancelled'
            : 'captured',
      )
    }
    const byId = new Map(report.flows.map((f) => [f.id, f]))
    expect(byId.get('partial-capture')).toMatchObject({ captured: 2000, cancelled: 1300 })
    expect(byId.get('refunds')?.statuses.map((s) => s.status)).toContain('partially_refunded')
    expect(vipps.get(byId.get('cancel-before-approval')?.reference ?? '')?.state).toBe('TERMINATED')
    expect(byId.get('polling')?.notes.join(' ')).toMatch(/first read [5-9]\.\d s after the create/)

    // Headers are shown for Vipps' review, and no secret of the demo keys is anywhere in the report.
    const create = report.headers.find((h) => h.request === 'POST /epayment/v1/payments')
    expect(create?.headers).toMatchObject({ 'merchant-serial-number': DEMO.msn, 'vipps-system-name': 'tillbridge' })
    expect(create?.headers.authorization).toMatch(/^Bearer \(masked, \d+ characters\)$/)
    const text =
      readFileSync(join(out, 'certify-report.json'), 'utf8') + readFileSync(join(out, 'certify-report.md'), 'utf8')
    for (const secret of [DEMO.clientId, DEMO.clientSecret, DEMO.subscriptionKey]) expect(text).not.toContain(secret)
    expect(report.token).toMatchObject({ fetched: 1, unauthorized: 0, lifetimesSeconds: [3600] })
    expect(report.customerInteraction).toEqual(['CUSTOMER_PRESENT'])
  }, 60_000)

  it('exits non-zero naming the flow that misbehaved, with what was expected and what Vipps answered', async () => {
    const dir = tempDir()
    const { file } = writeVippsConfig(dir, { baseUrl: sim().baseUrl })
    const out = join(dir, 'evidence')
    const faults = await sim().control('POST', '/faults', { errorRate: 1, errorStatus: 500, paths: ['^.*/capture$'] })
    expect(faults.status).toBe(200)
    const r = await runCliCaptured([
      'certify',
      '--config',
      file,
      '--phone',
      TEST_USER,
      '--out',
      out,
      '--only',
      'manual-capture-full,cancel-before-approval',
      '--wait',
      '8',
    ])
    expect(r.code, r.stdout + r.stderr).toBe(3)
    expect(r.stderr).toContain('certify: FAILED: manual-capture-full')
    expect(r.stdout).toMatch(/^FAILED manual-capture-full/m)
    expect(r.stdout).toMatch(/^ok {4} cancel-before-approval/m)
    const failed = readReport(out).flows.find((f) => f.id === 'manual-capture-full')
    expect(failed).toMatchObject({ ok: false, expected: 'status captured' })
    expect(failed?.actual).toMatch(
      /status authorized.*Vipps answered POST \/epayment\/v1\/payments\/\S+\/capture → 500/,
    )
  }, 60_000)

  it('refuses a production base URL without --production, before reading a secret or starting anything', async () => {
    const dir = tempDir()
    const { file } = writeVippsConfig(dir, { baseUrl: 'https://api.vipps.no' })
    const out = join(dir, 'evidence')
    const r = await runCliCaptured(['certify', '--config', file, '--out', out])
    expect(r.code).toBe(64)
    expect(r.stderr).toContain('refusing to certify against production (https://api.vipps.no)')
    expect(r.stderr).toContain('--production')
    expect(existsSync(out)).toBe(false)
    expect(readdirSync(dir).sort()).toEqual(['client-id', 'client-secret', 'config.json', 'subscription-key'])
  })

  it('with --production runs read checks only: a token and a GET, no payment created', async () => {
    const dir = tempDir()
    const { file } = writeVippsConfig(dir, { baseUrl: 'https://api.vipps.no' })
    const { config } = loadConfig(file, {})
    // Production's host, answered by the simulator: what certify sends there is what is checked.
    const toSimulator: typeof globalThis.fetch = (input, init) =>
      globalThis.fetch(String(input).replace('https://api.vipps.no', sim().baseUrl), init)
    const lines: string[] = []
    const report = await certify({
      config,
      secrets: () => loadSecrets(config, {}),
      phoneNumber: undefined,
      outDir: join(dir, 'evidence'),
      production: true,
      currency: 'NOK',
      only: undefined,
      waitMs: 5000,
      clock: createSystemClock(),
      fetch: toSimulator,
      progress: (line) => lines.push(line),
    })
    expect(report).toMatchObject({ ok: true, environment: 'production', flows: [] })
    expect(report.readChecks).toEqual([expect.objectContaining({ ok: true })])
    expect(report.headers.map((h) => h.request)).toEqual([
      'POST /accesstoken/get',
      'GET /epayment/v1/payments/{reference}',
    ])
    expect((await ledger()).size).toBe(0)
    expect(lines.join('\n')).toContain('404')
  })

  it('asks for the test user against the test environment and refuses an unknown flow', async () => {
    const dir = tempDir()
    const { file } = writeVippsConfig(dir, { baseUrl: 'https://apitest.vipps.no' })
    const noPhone = await runCliCaptured(['certify', '--config', file])
    expect(noPhone.code).toBe(64)
    expect(noPhone.stderr).toContain('--phone is required')
    const unknown = await runCliCaptured(['certify', '--config', file, '--phone', TEST_USER, '--only', 'teleport'])
    expect(unknown.code).toBe(64)
    expect(unknown.stderr).toContain('unknown flow teleport')
  })
})
