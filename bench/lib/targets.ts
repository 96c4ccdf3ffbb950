import type { Target } from './results.js'

/**
 * Every benchmark target, with the date and commit that set it (from git history). A target is
 * never moved to pass it: a change goes into CHANGELOG.md with its reason, and `setOn` changes
 * with it. BENCHMARKS.md lists this table whole.
 */
export interface TargetRule {
  /** As BENCHMARKS.md states it. */
  text: string
  /** The figure it is set on. */
  figure: string
  limit: number
  direction: 'atMost' | 'atLeast'
  setOn: string
  setIn: string
}

export const TARGETS = {
  acceptsRatio: {
    text: '≥ 1.0',
    figure: 'durable accepts/s with 64 concurrent tills, as a ratio to the raw fsync rate',
    limit: 1,
    direction: 'atLeast',
    setOn: '2026-11-22',
    setIn: 'ee4e84c',
  },
  acceptsSingleRatio: {
    text: '≥ 0.9',
    figure: 'durable accepts/s with one till at a time, as a ratio to the raw fsync rate',
    limit: 0.9,
    direction: 'atLeast',
    setOn: '2026-12-02',
    setIn: '6df415e',
  },
  addedP50: {
    text: '≤ 1.5 ms added',
    figure: 'create to pending through the daemon, p50 minus the direct p50',
    limit: 1.5,
    direction: 'atMost',
    setOn: '2026-12-02',
    setIn: '6df415e',
  },
  addedP99: {
    text: '≤ 5 ms added',
    figure: 'create to pending through the daemon, p99 minus the direct p99',
    limit: 5,
    direction: 'atMost',
    setOn: '2026-12-02',
    setIn: '6df415e',
  },
  rssPaying: {
    text: '≤ 128 MB',
    figure: 'RSS with 501 tills paying',
    limit: 128,
    direction: 'atMost',
    setOn: '2026-12-02',
    setIn: '51d0cbd',
  },
  rssIdle: {
    text: '≤ 64 MB',
    figure: 'RSS idle (provider vipps, no till connected)',
    limit: 64,
    direction: 'atMost',
    setOn: '2026-12-02',
    setIn: '51d0cbd',
  },
  stormMs: {
    text: '≤ 2000 ms',
    figure: '500 tills resumed after a SIGKILL and restart',
    limit: 2000,
    direction: 'atMost',
    setOn: '2026-11-22',
    setIn: 'f137991',
  },
  stormBroken: {
    text: 'none',
    figure: 'tills with a lost or repeated event after the reconnect storm',
    limit: 0,
    direction: 'atMost',
    setOn: '2026-11-22',
    setIn: 'f137991',
  },
  startupMs: {
    text: '≤ 300 ms',
    figure: 'spawn to ready with 100,000 payments in the journal',
    limit: 300,
    direction: 'atMost',
    setOn: '2026-12-02',
    setIn: '51d0cbd',
  },
  startupEmptyMs: {
    text: '≤ 200 ms',
    figure: 'spawn to ready with an empty journal',
    limit: 200,
    direction: 'atMost',
    setOn: '2026-12-02',
    setIn: '51d0cbd',
  },
  recoveryModifications: {
    text: '≤ 5 (Vipps)',
    figure: 'most modifications of one reference in a minute during recovery',
    limit: 5,
    direction: 'atMost',
    setOn: '2026-11-22',
    setIn: '1880e9d',
  },
  recoveryReads: {
    text: '≤ 120 (Vipps)',
    figure: 'most GETs of one reference in a minute during recovery',
    limit: 120,
    direction: 'atMost',
    setOn: '2026-11-22',
    setIn: '1880e9d',
  },
  recovery429: {
    text: 'none',
    figure: 'answers 429 (rate limited) during recovery',
    limit: 0,
    direction: 'atMost',
    setOn: '2026-11-22',
    setIn: '1880e9d',
  },
} as const satisfies Record<string, TargetRule>

export type TargetId = keyof typeof TARGETS

/** The target `id` as judged on `value`. */
export function target(id: TargetId, value: number): Target {
  const rule: TargetRule = TARGETS[id]
  const met = rule.direction === 'atMost' ? value <= rule.limit : value >= rule.limit
  return { id, text: rule.text, met, setOn: rule.setOn }
}
