import { describe, expect, it } from 'vitest'
import { writeVippsConfig } from '../../helpers/ops-config.js'
import { useOpsDaemon } from '../../helpers/ops-daemon.js'
import { runCliCaptured } from '../../helpers/run-cli.js'
import { useSimulator } from '../../helpers/simulator.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const tempDir = useTempDir()
const sim = useSimulator({ rateLimitScale: 0 })
const startDaemon = useOpsDaemon(sim)

interface ListedPayment {
  tillId: string
  key: string
  status: string
  refunded: number
  customer: string | null
}

describe('tillbridge payments, read from the journal while the daemon runs', () => {
  it('lists payments newest first, filtered by till, status, day and limit', async () => {
    const d = await startDaemon(tempDir())
    const one = await d.till('till-1')
    const two = await d.till('till-2')
    await d.pay(one, 'sale-1', 12550, 'approve')
    await d.pay(one, 'sale-2', 4000, 'reject')
    await d.pay(two, 'sale-1', 990, 'wait')
    const list = async (...flags: string[]) => {
      const r = await runCliCaptured(['payments', 'list', '--config', d.file, '--json', ...flags])
      expect(r.code, r.stderr).toBe(0)
      return JSON.parse(r.stdout) as ListedPayment[]
    }
    expect((await list()).map((p) => `${p.tillId}/${p.key}:${p.status}`)).toEqual([
      'till-2/sale-1:pending',
      'till-1/sale-2:declined',
      'till-1/sale-1:captured',
    ])
    expect((await list('--till', 'till-1')).map((p) => p.key)).toEqual(['sale-2', 'sale-1'])
    expect((await list('--status', 'captured')).map((p) => p.key)).toEqual(['sale-1'])
    expect(await list('--limit', '1')).toHaveLength(1)
    expect(await list('--since', '2999-01-01')).toEqual([])
    expect((await list())[0]?.customer).toBe('phone …60')

    const text = await runCliCaptured(['payments', 'list', '--config', d.file])
    expect(text.stdout).toMatch(/^accepted\s+till\s+key\s+reference\s+status\s+amount\s+captured\s+refunded$/m)
    expect(text.stdout).toMatch(/till-1\s+sale-1\s+\S+\s+captured\s+125\.50 NOK\s+125\.50\s+0\.00/)
    expect(text.stdout).not.toContain('4791234560')

    const bad = await runCliCaptured(['payments', 'list', '--config', d.file, '--status', 'paid'])
    expect(bad.code).toBe(64)
    expect(bad.stderr).toMatch(/--status must be one of queued, pending/)
  })

  it('shows one payment with every call to Vipps (HTTP status, keys) and every status change', async () => {
    const d = await startDaemon(tempDir())
    const one = await d.till('till-1')
    const two = await d.till('till-2')
    const paid = await d.pay(one, 'sale-1', 12550, 'approve')
    await one.refundPayment('sale-1', 'return-1', { value: 500, currency: 'NOK' })
    await one.waitFor('sale-1', 'partially_refunded', 10_000)
    await d.pay(two, 'sale-1', 100, 'wait')

    const ambiguous = await runCliCaptured(['payments', 'show', 'sale-1', '--config', d.file])
    expect(ambiguous.code).toBe(64)
    expect(ambiguous.stderr).toContain('key "sale-1" belongs to several tills (till-1, till-2): add --till')

    const r = await runCliCaptured(['payments', 'show', 'sale-1', '--till', 'till-1', '--config', d.file, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const shown = JSON.parse(r.stdout) as {
      payment: { status: string; refunded: number; reference: string }
      operations: Array<{ kind: string; idempotencyKey: string; state: string; lastHttpStatus: number; body?: string }>
      timeline: Array<{ kind: string; operation: string | null; toStatus: string | null; httpStatus: number | null }>
    }
    expect(shown.payment).toMatchObject({ status: 'partially_refunded', refunded: 500, reference: paid.reference })
    expect(shown.operations.map((o) => `${o.kind} ${o.idempotencyKey} ${o.state} ${o.lastHttpStatus}`)).toEqual([
      `create ${paid.reference}-c done 201`,
      `capture ${paid.reference}-cap1 done 200`,
      `refund ${paid.reference}-r1 done 200`,
    ])
    expect(shown.operations.every((o) => o.body === undefined)).toBe(true)
    const statuses = shown.timeline.filter((t) => t.kind === 'status').map((t) => t.toStatus)
    expect(statuses).toEqual(['queued', 'pending', 'authorized', 'captured', 'partially_refunded'])
    const calls = shown.timeline.filter((t) => t.kind === 'call')
    expect(calls.map((c) => c.operation)).toEqual(
      expect.arrayContaining(['createPayment', 'getPayment', 'capturePayment', 'refundPayment']),
    )
    expect(calls.every((c) => c.httpStatus !== null)).toBe(true)
    expect(r.stdout).not.toContain('4791234560')

    const text = await runCliCaptured(['payments', 'show', paid.reference, '--config', d.file])
    expect(text.code).toBe(0)
    expect(text.stdout).toContain(`reference    ${paid.reference} (MSN 123456)`)
    expect(text.stdout).toMatch(new RegExp(`refund\\s+${paid.reference}-r1\\s+done\\s+1 attempt\\(s\\), HTTP 200`))
    expect(text.stdout).toMatch(/call\s+refundPayment ok\s+key \S+-r1, HTTP 200/)
    expect(text.stdout).toMatch(/status\s+captured -> partially_refunded/)

    const missing = await runCliCaptured(['payments', 'show', 'nope', '--config', d.file])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('no payment with key or reference "nope"')
  })

  it('says what to do when the journal is not there', async () => {
    const dir = tempDir()
    const { file } = writeVippsConfig(dir, { baseUrl: 'http://127.0.0.1:9' })
    const r = await runCliCaptured(['payments', 'list', '--config', file])
    expect(r.code).toBe(78)
    expect(r.stderr).toMatch(/no journal at .*journal\.db: check journal\.path/)
  })
})
