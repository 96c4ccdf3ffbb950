import { describe, expect, it } from 'vitest'
import { metricNames } from '../../helpers/monitoring-files.js'
import { useOpsDaemon } from '../../helpers/ops-daemon.js'
import { parsePrometheusText, type Sample } from '../../helpers/prometheus-text.js'
import { useSimulator } from '../../helpers/simulator.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const tempDir = useTempDir()
const sim = useSimulator({ rateLimitScale: 0 })
const startDaemon = useOpsDaemon(sim)

async function scrape(url: string): Promise<Sample[]> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer ops-admin-token' } })
  expect(res.status).toBe(200)
  return parsePrometheusText(await res.text())
}

/** A daemon that took one payment, so every family has samples (tokens, call latencies). */
async function liveSamples(): Promise<Sample[]> {
  const d = await startDaemon(tempDir())
  const till = await d.till('till-1')
  await d.pay(till, 'sale-1', 12550, 'approve')
  return scrape(d.adminUrl as string)
}

describe('every metric monitoring/ uses exists in a live /metrics', () => {
  const { ours, prometheus } = metricNames()

  it('reads the metric names of the rules and the dashboard', () => {
    expect(ours.length).toBeGreaterThanOrEqual(10)
    expect(ours).toContain('tillbridge_event_loop_delay_seconds')
    // `up` is Prometheus' own per-target series (TillbridgeDown), never exported by a daemon.
    expect(prometheus).toEqual(['up'])
  })

  // One test per metric, so a missing one is named. tillbridge_payments_needing_attention comes
  // with issue 11 (payments flagged for a person); until it is merged, its test fails here.
  it.each(ours)('%s', { timeout: 30_000 }, async (name) => {
    const samples = await liveSamples()
    expect(samples.map((s) => s.name)).toContain(name)
  })
})

describe('tillbridge_event_loop_delay_seconds', () => {
  it('shows a blocked event loop, and only since the previous scrape', async () => {
    const d = await startDaemon(tempDir())
    await scrape(d.adminUrl as string)
    // The histogram's first sample after a reset only sets its starting point, so let it take one.
    await new Promise((r) => setTimeout(r, 50))
    const until = performance.now() + 250
    while (performance.now() < until) {
      // Block the event loop the daemon shares with this test, as a slow synchronous call would.
    }
    await new Promise((r) => setTimeout(r, 30))
    const delay = (samples: Sample[], q: string) =>
      samples.find((s) => s.name === 'tillbridge_event_loop_delay_seconds' && s.labels.quantile === q)?.value
    const blocked = await scrape(d.adminUrl as string)
    expect(delay(blocked, '1')).toBeGreaterThanOrEqual(0.2)
    expect(delay(blocked, '0.5')).toBeLessThan(0.2)
    const after = await scrape(d.adminUrl as string)
    expect(delay(after, '1')).toBeLessThan(0.2)
  })

  it('tillbridge_journal_filesystem_free_bytes is the free space of the journal filesystem', async () => {
    const d = await startDaemon(tempDir())
    const free = (await scrape(d.adminUrl as string)).find(
      (s) => s.name === 'tillbridge_journal_filesystem_free_bytes',
    )?.value
    const { statfsSync } = await import('node:fs')
    const stats = statfsSync(d.journal)
    expect(free).toBeGreaterThan(0)
    // Other tests write to the same disk meanwhile: equal within 1 %.
    expect(Math.abs((free as number) - stats.bavail * stats.bsize)).toBeLessThan(stats.bavail * stats.bsize * 0.01)
  })
})
