import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks'
import { Gauge, type Registry } from 'prom-client'
import type { Component } from '../shared/lifecycle.js'
import { existingDirOf, type FreeSpaceFn, freeSpace } from './doctor/disk.js'

export interface RuntimeMetricsOptions {
  registry: Registry
  journalPath: string
  /** statfs of the journal's filesystem; injectable so a test can make a disk "full". */
  free?: FreeSpaceFn
}

const QUANTILES = [0.5, 0.99] as const

/**
 * The daemon's own health as a fleet sees it: event-loop delay (a blocked loop delays every
 * till's answer and, past WatchdogSec, gets the daemon killed) and the free space left for the
 * journal (with none, every write fails and the daemon stops). prom-client's default metrics
 * would give a process-wide event-loop histogram that is never switched off; this one is
 * per daemon and lives between start() and stop().
 */
export class RuntimeMetrics implements Component {
  readonly name = 'runtime-metrics'
  #loop: IntervalHistogram | undefined

  constructor(options: RuntimeMetricsOptions) {
    const loop = () => this.#loop
    const free = options.free ?? freeSpace
    const r = [options.registry]
    new Gauge({
      name: 'tillbridge_event_loop_delay_seconds',
      help: 'Event-loop delay since the previous scrape: quantiles 0.5 and 0.99, and the maximum (quantile="1")',
      labelNames: ['quantile'],
      registers: r,
      collect() {
        this.reset()
        const h = loop()
        if (!h) return
        // Nanoseconds; an empty window (no sample yet) reads as 0, not as a huge sentinel.
        const ns = (v: number) => (h.count === 0 || !Number.isFinite(v) ? 0 : v / 1e9)
        for (const q of QUANTILES) this.set({ quantile: String(q) }, ns(h.percentile(q * 100)))
        this.set({ quantile: '1' }, ns(h.max))
        h.reset()
      },
    })
    new Gauge({
      name: 'tillbridge_journal_filesystem_free_bytes',
      help: "Bytes the daemon may still use on the journal's filesystem",
      registers: r,
      collect() {
        try {
          this.set(free(existingDirOf(options.journalPath)))
        } catch {
          this.reset() // unreadable: no sample rather than a false 0 that would page someone
        }
      },
    })
  }

  async start(): Promise<void> {
    this.#loop = monitorEventLoopDelay({ resolution: 10 })
    this.#loop.enable()
  }

  async stop(): Promise<void> {
    this.#loop?.disable()
    this.#loop = undefined
  }
}
