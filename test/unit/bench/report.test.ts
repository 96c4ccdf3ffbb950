import { describe, expect, it } from 'vitest'
import { type BenchResults, percentile } from '../../../bench/lib/results.js'
import { TARGETS, target } from '../../../bench/lib/targets.js'
import { renderBenchmarks } from '../../../bench/report.js'

const results: BenchResults = {
  date: '2026-01-01T12:00:00.000Z',
  machine: { cpu: 'Test CPU', cores: 2, memoryGiB: 4, node: 'v20.0.0', os: 'Linux 6', disk: 'ext4 on /dev/x' },
  elapsedSeconds: 42,
  sections: [
    {
      id: 'accepts',
      title: 'Durable accepts',
      method: 'How it is measured.',
      figures: [
        {
          label: 'ratio',
          value: 1.5,
          unit: '×',
          baseline: { label: 'raw fsync', value: 5000, unit: '/s' },
          target: target('acceptsRatio', 1.5),
          spread: { repeats: 3, min: 1.25, max: 1.75 },
        },
        { label: 'p50 added', value: 3.1, unit: 'ms', target: target('addedP50', 3.1) },
      ],
    },
  ],
}

describe('BENCHMARKS.md generator', () => {
  it('states the machine and date, each figure beside its baseline, and whether each target is met', () => {
    const md = renderBenchmarks(results, undefined)
    expect(md).toContain('| Test CPU | 2 | 4 GiB | v20.0.0 | Linux 6 | ext4 on /dev/x |')
    expect(md).toContain('on 2026-01-01T12:00:00.000Z')
    expect(md).toContain('## Targets: 1 of 2 met')
    expect(md).toContain(
      '| Durable accepts | ratio | 1.5 × (3 repeats: 1.25–1.75) | raw fsync: 5,000 /s | ≥ 1.0 (set 2026-11-22) | yes |',
    )
    expect(md).toContain(
      `| p50 added | 3.1 ms |  | ${TARGETS.addedP50.text} (set ${TARGETS.addedP50.setOn}) | **no** |`,
    )
    // Every target is listed with its date, measured in this run or not.
    for (const t of Object.values(TARGETS))
      expect(md).toContain(`| ${t.text} | ${t.figure} | ${t.setOn} | ${t.setIn} |`)
    expect(md).toContain('| ≤ 128 MB | RSS with 501 tills paying | 2026-12-02 | 51d0cbd |')
    expect(md).toContain('No long chaos run recorded yet')
  })

  it('includes the chaos run summary when there is one', () => {
    const md = renderBenchmarks(results, {
      date: '2026-01-02T00:00:00.000Z',
      commit: 'abc1234',
      seed: 7,
      durationSeconds: 1800,
      elapsedSeconds: 1830,
      tills: 8,
      testHooks: null,
      daemonKills: 900,
      tillCrashes: 500,
      faultPhases: 450,
      faultKinds: ['calm', 'storm'],
      sales: 40_000,
      acceptedCreates: 39_990,
      unansweredCreates: 10,
      finalStatuses: { captured: 20_000 },
      atVipps: { payments: 36_000, creates: 36_000, captures: 20_000, cancels: 9000, refunds: 6000 },
      requests: {
        capture: { answered: 1, refused: 0, unknown: 0 },
        cancel: { answered: 1, refused: 0, unknown: 0 },
        refund: { answered: 1, refused: 0, unknown: 0 },
      },
      eventsProcessed: 160_000,
      refusals: { scripted: { 'create 4070': 2, 'cancel 6250': 3 }, answered: { '6250': 3, '4070': 1 } },
      violations: 0,
      violationsByKind: {},
      firstViolations: [],
    })
    expect(md).toContain('| seed | 7 |')
    expect(md).toContain('| commit | abc1234 |')
    expect(md).toContain('| daemon SIGKILLs, till crashes | 900, 500 |')
    expect(md).toContain('| **violations** | **0** |')
    expect(md).toContain('| Vipps refusals scripted (operation code: times) | cancel 6250: 3, create 4070: 2 |')
    expect(md).toContain('| Vipps refusals answered (code: times) | 4070: 1, 6250: 3 |')
  })

  it('takes nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1)
    expect(percentile(xs, 50)).toBe(50)
    expect(percentile(xs, 99)).toBe(99)
    expect(percentile([3, 1, 2], 100)).toBe(3)
  })
})
