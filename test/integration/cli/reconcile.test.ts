import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createSilentLogger } from '../../../src/log/logger.js'
import { nightlyReconcile } from '../../../src/ops/reconcile/daemon-job.js'
import { dayOf } from '../../../src/ops/reconcile/day.js'
import { PaymentSupport } from '../../../src/payments/support.js'
import { ManualClock } from '../../../src/shared/manual-clock.js'
import { openDatabase } from '../../../src/store/db.js'
import { useOpsDaemon } from '../../helpers/ops-daemon.js'
import { runCliCaptured } from '../../helpers/run-cli.js'
import { useSimulator } from '../../helpers/simulator.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const tempDir = useTempDir()
const sim = useSimulator({ rateLimitScale: 0 })
const startDaemon = useOpsDaemon(sim)
const OSLO = { reconcile: { timeZone: 'Europe/Oslo' } }

describe('tillbridge reconcile', () => {
  it("agrees with Vipps after a normal day: exit 0, and the day's totals on both sides", async () => {
    const d = await startDaemon(tempDir(), OSLO)
    const till = await d.till('till-1')
    await d.pay(till, 'sale-1', 12550, 'approve')
    await till.refundPayment('sale-1', 'return-1', { value: 500, currency: 'NOK' })
    await till.waitFor('sale-1', 'partially_refunded', 10_000)
    await d.pay(till, 'sale-2', 4000, 'reject')
    await d.pay(till, 'sale-3', 990, 'wait')

    const r = await runCliCaptured(['reconcile', '--config', d.file])
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(r.stdout).toContain(`Reconciliation of ${dayOf(Date.now(), 'Europe/Oslo')} (time zone Europe/Oslo:`)
    expect(r.stdout).toContain('3 payment(s) in the journal; 0 discrepancies')
    expect(r.stdout).toMatch(/NOK\s+3 payment\(s\)\s+captured 125\.50 \/ 125\.50\s+refunded 5\.00 \/ 5\.00/)

    const other = await runCliCaptured(['reconcile', '--config', d.file, '--date', '2020-01-01'])
    expect(other.code).toBe(0)
    expect(other.stdout).toContain('0 payment(s) in the journal')
    expect((await runCliCaptured(['reconcile', '--config', d.file, '--date', '2026-02-30'])).code).toBe(64)
  })

  it('lists money moved at Vipps outside tillbridge and a payment only Vipps has, and exits 3', async () => {
    const d = await startDaemon(tempDir(), OSLO)
    const till = await d.till('till-1')
    const paid = await d.pay(till, 'sale-1', 12550, 'approve')
    // Someone refunds from the business portal: Vipps has it, the journal (final: captured) does not.
    const refund = await sim().vipps('POST', `/epayment/v1/payments/${paid.reference}/refund`, {
      key: 'portal-refund-1',
      body: { modificationAmount: { currency: 'NOK', value: 1000 } },
    })
    expect(refund.status).toBe(200)
    // A journal restored from an older backup forgot the payment that took the next reference.
    const db = openDatabase(d.journal, { busyTimeoutMs: 1000, readonly: true })
    const [next] = new PaymentSupport(db).nextReferences('tb', 1)
    db.close()
    const plant = await sim().control('POST', '/payments', {
      reference: next,
      amount: { currency: 'NOK', value: 2000 },
      captured: 2000,
    })
    expect(plant.status).toBe(201)

    const r = await runCliCaptured(['reconcile', '--config', d.file])
    expect(r.code).toBe(3)
    expect(r.stdout).toContain('1 payment(s) in the journal; 2 discrepancies')
    expect(r.stdout).toContain(
      `reference ${paid.reference} (MSN 123456)  125.50 NOK  journal captured, Vipps partially_refunded (AUTHORIZED)`,
    )
    expect(r.stdout).toContain('- status: journal captured, Vipps partially_refunded (AUTHORIZED)')
    expect(r.stdout).toContain('- refunded: journal 0, Vipps 1000')
    expect(r.stdout).toContain(
      '- REFUNDED of 1000 at Vipps under Idempotency-Key portal-refund-1, which tillbridge never sent',
    )
    expect(r.stdout).toMatch(
      new RegExp(
        `At Vipps but not in the journal:\\n\\s+reference ${next} \\(MSN 123456\\)\\s+captured \\(AUTHORIZED\\)`,
      ),
    )
    expect(r.stdout).toMatch(/NOK\s+1 payment\(s\)\s+captured 125\.50 \/ 125\.50\s+refunded 0\.00 \/ 10\.00/)

    const csv = await runCliCaptured(['reconcile', '--config', d.file, '--csv'])
    expect(csv.code).toBe(3)
    const rows = csv.stdout.trimEnd().split('\r\n')
    expect(rows.map((row) => row.split(',')[0])).toEqual(['row', 'payment', 'unknown', 'total'])
    expect(rows[2]).toContain(`,${next},123456,NOK,`)
  })

  it("the daemon's nightly job writes the day's report beside the journal once the day is over", async () => {
    const d = await startDaemon(tempDir(), OSLO)
    const till = await d.till('till-1')
    await d.pay(till, 'sale-1', 12550, 'approve')
    const today = dayOf(Date.now(), 'Europe/Oslo')
    const tomorrowNoon = new ManualClock(Date.parse(`${today}T12:00:00Z`) + 86_400_000)
    const { config, journal, vipps } = d.app.context
    const job = nightlyReconcile(config, { journal, vipps, clock: tomorrowNoon, log: createSilentLogger() })
    await job.start()
    try {
      await tomorrowNoon.advance(60_000)
      await job.runDue()
      const file = join(dirname(d.journal), 'reconcile', `reconcile-${today}.csv`)
      expect(job.fileOf(today)).toBe(file)
      expect(existsSync(file)).toBe(true)
      expect(readFileSync(file, 'utf8')).toMatch(/^payment,[\d-]+,till-1,sale-1,/m)
      expect(readFileSync(file.replace(/\.csv$/, '.txt'), 'utf8')).toContain(
        '1 payment(s) in the journal; 0 discrepancies',
      )
    } finally {
      await job.stop()
    }
  })
})
