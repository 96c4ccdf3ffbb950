import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { TILL_TOKENS, useOpsDaemon } from '../../helpers/ops-daemon.js'
import { parsePrometheusText, type Sample } from '../../helpers/prometheus-text.js'
import { RawTill } from '../../helpers/raw-till.js'
import { useSimulator } from '../../helpers/simulator.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const tempDir = useTempDir()
const sim = useSimulator({ rateLimitScale: 0 })
const startDaemon = useOpsDaemon(sim)

/** The journal read independently of the summary code behind /metrics (its own SQL). */
function journalFacts(path: string, now: number) {
  const db = new Database(path, { readonly: true })
  try {
    const byStatus = Object.fromEntries(
      (
        db.prepare('SELECT status, COUNT(*) AS n FROM payments GROUP BY status').all() as Array<{
          status: string
          n: number
        }>
      ).map((r) => [r.status, r.n]),
    )
    // Unacked from the mailbox counters, not from the stored events the summary counts.
    const unacked =
      (db.prepare('SELECT SUM(last_seq - acked_seq) AS n FROM till_mailboxes').get() as { n: number | null }).n ?? 0
    const oldest = (
      db
        .prepare(
          "SELECT MIN(created_at) AS at FROM payments WHERE status NOT IN ('captured', 'cancelled', 'declined', 'expired', 'failed', 'refunded', 'partially_refunded')",
        )
        .get() as { at: number | null }
    ).at
    return { byStatus, unacked, oldestAgeSeconds: oldest === null ? 0 : (now - oldest) / 1000 }
  } finally {
    db.close()
  }
}

async function scrape(url: string): Promise<Sample[]> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer ops-admin-token' } })
  expect(res.status).toBe(200)
  return parsePrometheusText(await res.text())
}

function metricsFacts(samples: Sample[]) {
  const byStatus: Record<string, number> = {}
  for (const s of samples.filter((x) => x.name === 'tillbridge_payments' && x.value > 0)) {
    byStatus[s.labels.status ?? ''] = s.value
  }
  const one = (name: string) => samples.find((s) => s.name === name)?.value
  return {
    byStatus,
    unacked: one('tillbridge_events_unacked'),
    oldestAgeSeconds: one('tillbridge_oldest_unfinished_payment_age_seconds') ?? -1,
    tills: one('tillbridge_tills_connected'),
  }
}

describe('/metrics against the journal', () => {
  it('payments by status, unacked events and the oldest unfinished payment are what the journal holds', async () => {
    const d = await startDaemon(tempDir())
    if (!d.adminUrl) throw new Error('admin not listening')
    const one = await d.till('till-1')
    await d.pay(one, 'captured-1', 12550, 'approve')
    await d.pay(one, 'captured-2', 2000, 'approve')
    await d.pay(one, 'declined-1', 4000, 'reject')
    await d.pay(one, 'pending-1', 990, 'wait')
    await one.createPayment({ key: 'manual-1', amount: { value: 700, currency: 'NOK' }, flow: 'qr', capture: 'manual' })
    const manual = await one.waitFor('manual-1', 'pending', 10_000)
    await sim().control('POST', `/payments/${manual.reference}/scan`)
    await one.waitFor('manual-1', 'authorized', 10_000)
    // A till that never acks: its events stay unacked.
    const silent = await RawTill.hello(d.gatewayUrl, { token: TILL_TOKENS['till-2'] })
    await silent.request({
      type: 'payment.create',
      id: 'r1',
      key: 'unacked-1',
      amount: { value: 300, currency: 'NOK' },
      flow: 'qr',
    })
    await silent.next((f) => f.type === 'event' && f.payment.status === 'pending')

    // The till client acks in the background: compare once both sides have settled.
    await expect
      .poll(
        async () => {
          const m = metricsFacts(await scrape(d.adminUrl as string))
          const j = journalFacts(d.journal, Date.now())
          return (
            // till-1's acks are stored together, a moment after they arrive.
            j.unacked === 2 &&
            m.unacked === j.unacked &&
            JSON.stringify(sortKeys(m.byStatus)) === JSON.stringify(sortKeys(j.byStatus))
          )
        },
        { timeout: 5000, interval: 50 },
      )
      .toBe(true)

    const samples = await scrape(d.adminUrl)
    const m = metricsFacts(samples)
    const j = journalFacts(d.journal, Date.now())
    expect(m.byStatus).toEqual(j.byStatus)
    expect(j.byStatus).toEqual({ captured: 2, declined: 1, pending: 2, authorized: 1 })
    expect(m.unacked).toBe(j.unacked)
    // till-2 has seen queued and pending and acked neither; till-1's client acks everything.
    expect(j.unacked).toBe(2)
    expect(Math.abs(m.oldestAgeSeconds - j.oldestAgeSeconds)).toBeLessThan(1.5)
    expect(m.oldestAgeSeconds).toBeGreaterThan(0)
    expect(m.tills).toBe(2)
  })
})

function sortKeys(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)))
}
