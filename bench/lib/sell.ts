import { type EventFrame, TillClient } from '../../src/client/index.js'
import type { BenchDaemon } from './daemon.js'

/**
 * A one-till shop has one sale pending at a time. Here every sale stays pending (its customer
 * never acts), so without this the worker would poll hundreds of them every 2 s and the figure
 * would measure that load, not one sale: the first poll waits beyond the run.
 */
export const NO_POLLS_DURING_RUN = { pollFirstDelayMs: 600_000, pollIntervalMs: 600_000 }

/**
 * The create benchmark's workload: the bench daemon's first till sells `count` push payments one
 * after another, each waiting for its `pending` event (a customer who never acts, so nothing else
 * moves). `between` runs after each sale, outside the sale's time.
 */
export async function sellOneByOne(
  bench: BenchDaemon,
  count: number,
  between?: (i: number) => Promise<void>,
): Promise<void> {
  const pendingAt = new Map<string, () => void>()
  const till = new TillClient({
    url: bench.setup.tillUrl,
    token: bench.tills[0]?.token ?? '',
    onEvent: (e: EventFrame) => {
      if (e.payment.status === 'pending') pendingAt.get(e.payment.key)?.()
    },
  })
  try {
    await till.connect()
    for (let i = 0; i < count; i++) {
      const key = `sale-${i}`
      const seen = new Promise<void>((resolve) => pendingAt.set(key, resolve))
      await till.createPayment({
        key,
        amount: { value: 4990, currency: 'NOK' },
        flow: 'push',
        customer: { phoneNumber: '4790000000' },
      })
      await seen
      pendingAt.delete(key)
      await between?.(i)
    }
  } finally {
    await till.close()
  }
}

/**
 * Every till starts one push sale whose customer never acts, and waits for its `pending`: the
 * paying load of the memory and event-loop figures (each sale then polled at Vipps).
 */
export async function startPendingSales(clients: TillClient[], prefix: string): Promise<void> {
  await Promise.all(
    clients.map((c, i) =>
      c.createPayment({
        key: `${prefix}-${i}`,
        amount: { value: 4990, currency: 'NOK' },
        flow: 'push',
        customer: { phoneNumber: '4790000000' },
      }),
    ),
  )
  await Promise.all(clients.map((c, i) => c.waitFor(`${prefix}-${i}`, 'pending', 30_000)))
}
