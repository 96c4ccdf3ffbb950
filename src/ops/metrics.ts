import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import { type StatusSnapshot, type StatusSources, takeSnapshot } from './status-snapshot.js'

/** Counters kept elsewhere (a log sink, a journal) and read at scrape time. */
export interface MetricCounts {
  logLinesLost?: () => number
  eventsExpired?: () => number
}

/**
 * Prometheus metrics. Gauges are read from the journal and the domains at scrape time (so they
 * always match the journal); provider calls are counted as they happen through `observeCall`.
 * A registry per daemon, never prom-client's global one.
 */
export class DaemonMetrics {
  readonly registry = new Registry()
  readonly #calls: Counter<'operation' | 'outcome'>
  readonly #latency: Histogram<'operation'>
  readonly #refusals: Counter<'listener' | 'reason'>
  readonly #sources: StatusSources
  /** One snapshot per scrape, shared by every gauge's collect(). */
  #scrape: StatusSnapshot | undefined

  constructor(sources: StatusSources, counts: MetricCounts = {}) {
    this.#sources = sources
    const snapshot = () => this.#scrape ?? takeSnapshot(sources)
    const r = [this.registry]
    new Gauge({
      name: 'tillbridge_payments',
      help: 'Payments in the journal by status',
      labelNames: ['status'],
      registers: r,
      collect() {
        this.reset()
        for (const [status, count] of Object.entries(snapshot().payments.byStatus)) this.set({ status }, count)
      },
    })
    new Gauge({
      name: 'tillbridge_oldest_unfinished_payment_age_seconds',
      help: 'Age of the oldest payment not yet in a final status (0 when none)',
      registers: r,
      collect() {
        this.set(snapshot().payments.oldestUnfinishedAgeSeconds ?? 0)
      },
    })
    new Gauge({
      name: 'tillbridge_payments_needing_attention',
      help: 'Payments flagged for a person: Vipps kept refusing past the retry bound, or refused with an unknown code',
      registers: r,
      collect() {
        this.set(snapshot().payments.needingAttention)
      },
    })
    new Gauge({
      name: 'tillbridge_events_unacked',
      help: 'Till events not yet acknowledged',
      registers: r,
      collect() {
        this.set(snapshot().payments.eventsUnacked)
      },
    })
    new Gauge({
      name: 'tillbridge_tills_connected',
      help: 'Open till connections',
      registers: r,
      collect() {
        this.set(snapshot().tills.reduce((n, t) => n + t.connections, 0))
      },
    })
    new Gauge({
      name: 'tillbridge_token_seconds_to_expiry',
      help: 'Seconds until the cached Vipps access token expires, per credential set',
      labelNames: ['credential_set'],
      registers: r,
      collect() {
        this.reset()
        for (const [set, left] of Object.entries(snapshot().provider.tokenSecondsLeft)) {
          if (left !== undefined) this.set({ credential_set: set }, left)
        }
      },
    })
    new Gauge({
      name: 'tillbridge_provider_up',
      help: '1 when the provider answers normally, 0.5 when degraded (retrying), 0 when down',
      registers: r,
      collect() {
        const state = snapshot().provider.state
        this.set(state === 'ok' ? 1 : state === 'degraded' ? 0.5 : 0)
      },
    })
    new Gauge({
      name: 'tillbridge_journal_bytes',
      help: 'Size of the journal file and its WAL',
      labelNames: ['file'],
      registers: r,
      collect() {
        const j = snapshot().journal
        this.set({ file: 'db' }, j.bytes)
        this.set({ file: 'wal' }, j.walBytes)
      },
    })
    this.#calls = new Counter({
      name: 'tillbridge_provider_calls_total',
      help: 'Calls to Vipps by operation and outcome (ok, or the error code)',
      labelNames: ['operation', 'outcome'],
      registers: r,
    })
    this.#latency = new Histogram({
      name: 'tillbridge_provider_call_seconds',
      help: 'Duration of Vipps calls, retries included',
      labelNames: ['operation'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: r,
    })
    new Counter({
      name: 'tillbridge_log_lines_lost_total',
      help: 'Log lines dropped because the log sink (stdout) was broken or full',
      registers: r,
      collect() {
        this.reset()
        this.inc(counts.logLinesLost?.() ?? 0)
      },
    })
    new Counter({
      name: 'tillbridge_events_expired_total',
      help: 'Till events dropped unacked after payments.unackedEventRetentionDays',
      registers: r,
      collect() {
        this.reset()
        this.inc(counts.eventsExpired?.() ?? 0)
      },
    })
    this.#refusals = new Counter({
      name: 'tillbridge_refusals_total',
      help: 'Connections, frames and requests refused by a limit or a failed authentication',
      labelNames: ['listener', 'reason'],
      registers: r,
    })
  }

  /** One refused connection, frame or request at a listener (gateway, admin), by reason. */
  countRefusal(listener: string, reason: string): void {
    this.#refusals.inc({ listener, reason })
  }

  /** The Prometheus text exposition, gathered from one snapshot. */
  async text(): Promise<string> {
    this.#scrape = takeSnapshot(this.#sources)
    try {
      return await this.registry.metrics()
    } finally {
      this.#scrape = undefined
    }
  }

  observeCall(operation: string, outcome: string, seconds: number): void {
    this.#calls.inc({ operation, outcome })
    this.#latency.observe({ operation }, seconds)
  }
}
