import { FlowFailure, type FlowKit } from './flow-kit.js'

/** Timers are not exact: a poll this much early still counts as on time. */
const EARLY_MS = 100
/** How many reads after the first prove "every 2 s". */
const READS = 3

/**
 * Vipps' polling guideline: the first read 5 s after the create, then every 2 s. Watches the
 * reads the daemon sends for a payment nobody approves and checks their spacing against the
 * guideline (and against the daemon's own settings, which must not be faster).
 */
export async function checkPolling(kit: FlowKit, reference: string): Promise<string[]> {
  const { firstDelayMs, intervalMs } = kit.poll
  if (firstDelayMs < 5000 || intervalMs < 2000) {
    throw new FlowFailure(
      'payments.pollFirstDelayMs ≥ 5000 and payments.pollIntervalMs ≥ 2000 (the guideline)',
      `${firstDelayMs} and ${intervalMs}`,
    )
  }
  const created = kit.recorder.forReference(reference).find((c) => c.method === 'POST' && c.status === 201)
  const reads = () =>
    kit.recorder.forReference(reference).filter((c) => c.method === 'GET' && c.path.endsWith(reference))
  const end = kit.clock.monotonic() + firstDelayMs + READS * intervalMs + kit.waitMs
  while (reads().length < READS + 1) {
    if (kit.clock.monotonic() >= end) {
      throw new FlowFailure(`${READS + 1} reads of a waiting payment`, `${reads().length}`)
    }
    await kit.clock.sleep(100)
  }
  if (!created?.answeredAt) throw new FlowFailure('a create answered 201', 'none seen')
  const times = reads()
    .slice(0, READS + 1)
    .map((c) => c.sentAt)
  const first = (times[0] ?? 0) - created.answeredAt
  const gaps = times.slice(1).map((t, i) => t - (times[i] ?? t))
  if (first < 5000 - EARLY_MS) throw new FlowFailure('the first read ≥ 5 s after the create', `${first} ms`)
  const early = gaps.find((g) => g < 2000 - EARLY_MS)
  if (early !== undefined) throw new FlowFailure('reads ≥ 2 s apart', `${early} ms between two reads`)
  return [
    `first read ${(first / 1000).toFixed(1)} s after the create; then every ${gaps.map((g) => (g / 1000).toFixed(1)).join(', ')} s`,
  ]
}
