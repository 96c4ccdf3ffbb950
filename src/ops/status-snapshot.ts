/**
 * What the admin server shows: one snapshot type for /status.json, the status page and /metrics.
 * Each domain contributes through a small source function, so ops/ needs no domain internals.
 */
import { emptySummary, type PaymentsSummary } from '../payments/summary.js'

export interface TillStatus {
  id: string
  connections: number
}

export interface StatusSnapshot {
  version: string
  now: string
  ready: boolean
  provider: { kind: string; state: string; detail?: string; tokenSecondsLeft: Record<string, number | undefined> }
  tills: TillStatus[]
  /** The payments domain's own summary type, so the two cannot drift apart. */
  payments: PaymentsSummary
  journal: { path: string; bytes: number; walBytes: number }
}

/** The functions each domain provides; any may be absent while that domain is not running. */
export interface StatusSources {
  version: string
  providerKind: string
  now: () => number
  ready: () => boolean
  provider?: () => { state: string; detail?: string; tokenSecondsLeft: Record<string, number | undefined> }
  tills?: () => TillStatus[]
  payments?: () => StatusSnapshot['payments']
  journal: () => StatusSnapshot['journal']
}

export function takeSnapshot(sources: StatusSources): StatusSnapshot {
  return {
    version: sources.version,
    now: new Date(sources.now()).toISOString(),
    ready: sources.ready(),
    provider: { kind: sources.providerKind, ...(sources.provider?.() ?? { state: 'ok', tokenSecondsLeft: {} }) },
    tills: sources.tills?.() ?? [],
    payments: sources.payments?.() ?? emptySummary(),
    journal: sources.journal(),
  }
}
