import { describe, expect, it } from 'vitest'
import { runChaos } from '../../chaos/run.js'
import { useTempDir } from '../../helpers/temp-dir.js'

/**
 * The chaos checker fails builds that keep every till and Vipps consistent yet do the wrong
 * thing (TILLBRIDGE_TEST_HOOKS, src/payments/broken-on-purpose.ts): a daemon that refuses every
 * create (nothing is ever inconsistent; only the minimum of work done catches it), and one that
 * reserves and captures another amount than the till asked and says so (only comparing with the
 * till's request catches it). Short real runs: the real daemon, killed at random, and the tills.
 */

const tempDir = useTempDir('tillbridge-probe-')

async function kindsFor(testHooks: string): Promise<Set<string>> {
  const report = await runChaos({ seed: 11, durationMs: 6000, tills: 3, dir: tempDir(), testHooks })
  return new Set(report.violations.map((v) => v.kind))
}

describe('the chaos checker against probe builds', () => {
  it('fails a daemon that refuses every create', { timeout: 120_000 }, async () => {
    const kinds = await kindsFor('refuse-creates')
    expect([...kinds]).toContain('too-little-work')
  })

  it('fails a daemon that reserves and captures another amount than the till asked', { timeout: 120_000 }, async () => {
    const kinds = await kindsFor('wrong-amount')
    expect([...kinds]).toContain('amount-mismatch')
  })
})
