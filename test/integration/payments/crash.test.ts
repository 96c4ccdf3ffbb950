import { describe, expect, it } from 'vitest'
import { runChaos } from '../../chaos/run.js'
import { formatSummary, summarize } from '../../chaos/summary.js'
import { useTempDir } from '../../helpers/temp-dir.js'

/**
 * The promise under fire (issue 5), on the chaos harness (test/chaos, also `npm run chaos`): the
 * daemon as a child process against the simulator, whose faults switch over time, tills paying,
 * cancelling, capturing and refunding over the WebSocket and crashing now and then, and SIGKILL
 * of the daemon at seeded random moments, then a restart, again and again. Afterwards every
 * accepted payment must exist exactly once at Vipps (or never have left the daemon), be final,
 * match Vipps' state and amounts, have had every answered capture, cancel and refund exactly
 * once, leave no reservation open, and every till must have processed its events 1, 2, 3, … with
 * no gap and no repeat.
 */

const SEED = Number(process.env.CRASH_SEED ?? 20260101)
const KILLS = Number(process.env.CRASH_KILLS ?? 25)
const tempDir = useTempDir('tillbridge-crash-')

describe('crash test: SIGKILL at random moments, with Vipps faults on', () => {
  it(`keeps the promise across ${KILLS} kills (seed ${SEED})`, { timeout: 240_000 }, async () => {
    const report = await runChaos({
      seed: SEED,
      durationMs: 120_000,
      kills: KILLS,
      tills: 4,
      dir: tempDir(),
      killEveryMs: [300, 1200],
    })
    const summary = formatSummary(summarize(report))
    expect(report.daemonKills, summary).toBeGreaterThanOrEqual(KILLS)
    expect(report.run.payments.filter((p) => p.create.outcome === 'answered').length, summary).toBeGreaterThan(20)
    expect(report.violations, summary).toEqual([])
  })
})
