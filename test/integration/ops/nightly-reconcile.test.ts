import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createSilentLogger } from '../../../src/log/logger.js'
import { NightlyReconcile } from '../../../src/ops/reconcile/nightly-job.js'
import type { ReconcileReport, VippsLookup } from '../../../src/ops/reconcile/types.js'
import { createSystemClock } from '../../../src/shared/clock.js'
import { ManualClock } from '../../../src/shared/manual-clock.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const tempDir = useTempDir()
const jobs: NightlyReconcile[] = []
afterEach(async () => {
  for (const job of jobs.splice(0)) await job.stop()
})

function report(date: string, payments: number, lookup: VippsLookup = { found: false }): ReconcileReport {
  const line = {
    payment: {
      tillId: 'till-1',
      key: `sale-${date}`,
      reference: `tb-x-${date}`,
      msn: '123456',
      status: 'queued',
      currency: 'NOK',
      amount: 100,
      authorized: 0,
      captured: 0,
      refunded: 0,
      cancelled: 0,
      createdAt: 0,
      failureCode: null,
      operations: [],
    },
    vipps: lookup,
    differences: 'error' in lookup ? [`not checked: ${lookup.error}`] : [],
    inProgress: false,
  }
  return {
    date,
    timeZone: 'UTC',
    start: 0,
    end: 0,
    lines: Array.from({ length: payments }, () => line),
    unknownAtVipps: [],
    totals: {},
  }
}

function job(
  dir: string,
  clock: ManualClock | ReturnType<typeof createSystemClock>,
  fn: (date: string) => Promise<ReconcileReport>,
  cron = '40 2 * * *',
) {
  const j = new NightlyReconcile({ cron, timeZone: 'UTC', dir, clock, log: createSilentLogger(), reconcile: fn })
  jobs.push(j)
  return j
}

describe('nightly reconciliation', () => {
  it('catches up after start: yesterday always, missed days with payments, each day once', async () => {
    const dir = join(tempDir(), 'reconcile')
    const clock = new ManualClock(Date.UTC(2026, 0, 10, 12))
    const calls: string[] = []
    const j = job(dir, clock, async (date) => {
      calls.push(date)
      return report(date, date === '2026-01-05' ? 2 : 0)
    })
    await j.start()
    await clock.advance(59_000)
    expect(calls).toEqual([])
    await clock.advance(1000)
    await j.runDue()
    expect(calls).toEqual([
      '2026-01-03',
      '2026-01-04',
      '2026-01-05',
      '2026-01-06',
      '2026-01-07',
      '2026-01-08',
      '2026-01-09',
    ])
    expect(readdirSync(dir).sort()).toEqual([
      'reconcile-2026-01-05.csv',
      'reconcile-2026-01-05.txt',
      'reconcile-2026-01-09.csv',
      'reconcile-2026-01-09.txt',
    ])
    expect(readFileSync(join(dir, 'reconcile-2026-01-05.txt'), 'utf8')).toContain('2 payment(s) in the journal')
    expect(readFileSync(join(dir, 'reconcile-2026-01-05.csv'), 'utf8').split('\r\n')).toHaveLength(4)

    calls.length = 0
    await j.runDue()
    expect(calls).not.toContain('2026-01-05')
    expect(calls).not.toContain('2026-01-09')
  })

  it('writes no report while Vipps could not be asked about every payment, and tries again an hour later', async () => {
    const dir = tempDir()
    const clock = new ManualClock(Date.UTC(2026, 0, 10, 12))
    let vippsDown = true
    const j = job(dir, clock, async (date) =>
      report(date, date === '2026-01-09' ? 1 : 0, vippsDown ? { error: 'Vipps did not answer' } : { found: false }),
    )
    await j.start()
    await clock.advance(60_000)
    await j.runDue()
    expect(existsSync(j.fileOf('2026-01-09'))).toBe(false)
    vippsDown = false
    await clock.advance(3600_000)
    await j.runDue()
    expect(existsSync(j.fileOf('2026-01-09'))).toBe(true)
  })

  it('runs on its node-cron schedule (every second here) on the real wall clock', async () => {
    const dir = tempDir()
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)
    const j = job(dir, createSystemClock(), async (date) => report(date, 0), '* * * * * *')
    await j.start()
    const until = Date.now() + 5000
    while (!existsSync(j.fileOf(yesterday)) && Date.now() < until) await new Promise((r) => setTimeout(r, 50))
    expect(existsSync(j.fileOf(yesterday))).toBe(true)
  })
})
