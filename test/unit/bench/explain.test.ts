import { describe, expect, it } from 'vitest'
import { explainMisses } from '../../../bench/lib/explain.js'
import type { BenchResults, BenchSection } from '../../../bench/lib/results.js'
import { target } from '../../../bench/lib/targets.js'

const machine = { cpu: 'x', cores: 2, memoryGiB: 1, node: 'v24', os: 'Linux', disk: 'ext4' }
const accepts: BenchSection = {
  id: 'accepts',
  title: 'Durable accepts',
  method: '',
  figures: [
    {
      label: 'accepts/s, 1 till at a time',
      value: 2000,
      unit: '/s',
      baseline: { label: 'raw', value: 4000, unit: '/s' },
    },
    {
      label: "ratio to the fsync rate of an accept's own size, 1 till at a time",
      value: 0.8,
      unit: '×',
      baseline: { label: "raw fsync of one accept's WAL frames (14 pages)", value: 2500, unit: '/s' },
    },
    {
      label: 'ratio to the fsync rate, 1 till at a time',
      value: 0.5,
      unit: '×',
      target: target('acceptsSingleRatio', 0.5),
    },
  ],
}
const waterfall: BenchSection = {
  id: 'waterfall',
  title: 'Hot-path waterfall',
  method: '',
  figures: [
    { label: 'frame parsed → accept committed, p50', value: 0.61, unit: 'ms' },
    {
      label: 'request → answer (the Vipps call), p50',
      value: 1.5,
      unit: 'ms',
      baseline: { label: 'd', value: 1.1, unit: 'ms' },
    },
    { label: 'answer → result committed, p50', value: 0.55, unit: 'ms' },
    { label: 'whole sale in the daemon (frame parsed → `pending` written), p50', value: 2.9, unit: 'ms' },
  ],
}
const latency: BenchSection = {
  id: 'latency',
  title: 'Create to pending',
  method: '',
  figures: [{ label: 'p50 added by the daemon', value: 1.9, unit: 'ms', target: target('addedP50', 1.9) }],
}

const client: BenchSection = {
  id: 'client',
  title: 'The Vipps client',
  method: '',
  figures: [
    {
      label: 'create through the Vipps client, p50',
      value: 0.8,
      unit: 'ms',
      baseline: { label: 'p50 plain fetch', value: 0.7, unit: 'ms' },
    },
  ],
}

describe('explainMisses', () => {
  it('explains a missed target from figures of the same run', () => {
    const r: BenchResults = { date: 'd', machine, elapsedSeconds: 1, sections: [accepts, waterfall, latency] }
    const text = explainMisses(r).join('\n')
    expect(text).toContain('## Missed targets')
    expect(text).toContain('p50 added 1.9 ms')
    expect(text).toContain('the whole sale at 2.9 ms p50')
    expect(text).toContain('the Vipps call took 1.5 ms against 1.1 ms')
    expect(text).toContain('The client stage did not run')
    // 1000/2500 + 1000/4000 ms: an accept-sized fsync and a 4 KiB one.
    expect(text).toContain('about 0.65 ms of any sale is the disk')
    expect(text).toContain('0.5 × of the 4 KiB fsync rate')
    expect(text).toContain('0.400 ms of disk and 0.100 ms')
  })

  it('splits the Vipps call into the client and the rest when the client stage ran', () => {
    const r: BenchResults = { date: 'd', machine, elapsedSeconds: 1, sections: [accepts, waterfall, latency, client] }
    const text = explainMisses(r).join('\n')
    expect(text).toContain("Of the call's 0.40 ms over its direct baseline, the client's own code")
    expect(text).toContain('is 0.10 ms')
    expect(text).toContain('the other 0.30 ms')
  })

  it('explains idle memory by the floor and the heaviest imports', () => {
    const floor: BenchSection = {
      id: 'footprint-floor',
      title: 'Footprint: the floor and each dependency',
      method: '',
      figures: [
        { label: '`node -e` idle (the floor)', value: 42, unit: 'MB' },
        { label: 'after importing zod (80 ms)', value: 54, unit: 'MB' },
        { label: 'after importing ws (10 ms)', value: 48, unit: 'MB' },
        { label: "after importing all of run's modules (dist/cli/run.js) (300 ms)", value: 70, unit: 'MB' },
      ],
    }
    const idle: BenchSection = {
      id: 'footprint-idle',
      title: 'Footprint: the daemon idle',
      method: '',
      figures: [{ label: 'RSS', value: 79, unit: 'MB', target: target('rssIdle', 79) }],
    }
    const text = explainMisses({ date: 'd', machine, elapsedSeconds: 1, sections: [floor, idle] }).join('\n')
    expect(text).toContain('79 MB idle. A bare node with the same flags is 42 MB')
    expect(text).toContain("all of run's modules into a bare node gives 70 MB")
    expect(text).toContain('zod +12.0 MB, ws +6.0 MB')
  })

  it('says loudly when a missed target has no explainer, and nothing when all are met', () => {
    const lonely: BenchSection = {
      id: 'x',
      title: 'Start-up',
      method: '',
      figures: [{ label: 'to ready', value: 999, unit: 'ms', target: { id: 'nobody', text: '≤ 1 ms', met: false } }],
    }
    expect(explainMisses({ date: 'd', machine, elapsedSeconds: 1, sections: [lonely] }).join('\n')).toContain(
      'NO BREAKDOWN',
    )
    const met = { ...latency, figures: [{ ...latency.figures[0], target: target('addedP50', 1) }] } as BenchSection
    expect(explainMisses({ date: 'd', machine, elapsedSeconds: 1, sections: [met] })).toEqual([])
  })
})
