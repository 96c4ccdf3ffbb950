import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { TOKENS, useGateway } from '../../helpers/gateway-harness.js'
import { MemoryPayments } from '../../helpers/memory-payments.js'
import { RawTill } from '../../helpers/raw-till.js'

const startGateway = useGateway()
const seqs = (till: RawTill) => till.events().map((e) => e.seq)
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

async function withSale(payments: MemoryPayments, till: RawTill): Promise<void> {
  await till.request({
    type: 'payment.create',
    id: 'c',
    key: 'sale',
    amount: { value: 100, currency: 'NOK' },
    flow: 'qr',
  })
  await till.next((f) => f.type === 'event' && f.seq === 1)
  expect(payments.lastSeq('till-a')).toBe(1)
}

describe('gateway event delivery', () => {
  it('sends each live event to every connection of its till, in order, once', async () => {
    const payments = new MemoryPayments()
    const { url } = await startGateway({ payments })
    const first = await RawTill.hello(url, { token: TOKENS['till-a'] })
    const second = await RawTill.hello(url, { token: TOKENS['till-a'] })
    const other = await RawTill.hello(url, { token: TOKENS['till-b'] })
    await withSale(payments, first)
    for (const status of ['pending', 'authorized', 'captured'] as const) payments.advance('till-a', 'sale', { status })
    await second.next((f) => f.type === 'event' && f.seq === 4)
    await first.next((f) => f.type === 'event' && f.seq === 4)
    expect(seqs(first)).toEqual([1, 2, 3, 4])
    expect(seqs(second)).toEqual([1, 2, 3, 4])
    expect(first.events().map((e) => e.payment.status)).toEqual(['queued', 'pending', 'authorized', 'captured'])
    expect(seqs(other)).toEqual([])
  })

  it('a till that reconnects with resumeFrom gets exactly the events it missed, in order, then live ones', async () => {
    const payments = new MemoryPayments()
    const { url } = await startGateway({ payments })
    const till = await RawTill.hello(url, { token: TOKENS['till-a'] })
    await withSale(payments, till)
    payments.advance('till-a', 'sale', { status: 'pending' })
    await till.next((f) => f.type === 'event' && f.seq === 2)
    till.close()
    await till.closed
    for (let i = 0; i < 5; i++) payments.advance('till-a', 'sale', { failure: { code: String(i), message: 'x' } })
    const back = await RawTill.hello(url, { token: TOKENS['till-a'], resumeFrom: 2 })
    await back.next((f) => f.type === 'event' && f.seq === 7)
    expect(back.frames[0]).toMatchObject({ type: 'welcome', lastSeq: 7 })
    payments.advance('till-a', 'sale', { status: 'expired' })
    await back.next((f) => f.type === 'event' && f.seq === 8)
    expect(seqs(back)).toEqual([3, 4, 5, 6, 7, 8])
  })

  it('without resumeFrom a till gets every unacked event; after a daemon restart they come again', async () => {
    const payments = new MemoryPayments()
    const daemon = await startGateway({ payments })
    const till = await RawTill.hello(daemon.url, { token: TOKENS['till-a'] })
    await withSale(payments, till)
    payments.advance('till-a', 'sale', { status: 'pending' })
    payments.advance('till-a', 'sale', { status: 'authorized' })
    await till.next((f) => f.type === 'event' && f.seq === 3)
    till.send({ type: 'ack', seq: 1 })
    await daemon.stop()
    expect((await till.closed).code).toBe(1001)
    // The same mailbox (the journal) served by a new gateway: the daemon restarted.
    const restarted = await startGateway({ payments })
    const back = await RawTill.hello(restarted.url, { token: TOKENS['till-a'] })
    await back.next((f) => f.type === 'event' && f.seq === 3)
    expect(seqs(back)).toEqual([2, 3])
  })

  it('clamps a resumeFrom beyond lastSeq to lastSeq and goes on with new events', async () => {
    const payments = new MemoryPayments()
    const { url } = await startGateway({ payments })
    const till = await RawTill.hello(url, { token: TOKENS['till-a'], resumeFrom: 99 })
    await withSale(payments, till)
    expect(seqs(till)).toEqual([1])
  })

  it('never reorders, skips or repeats events while tills join during a burst (property)', async () => {
    const payments = new MemoryPayments()
    // Up to five connections of one till at once: room for all, so only ordering is under test.
    const { url } = await startGateway({ payments, gateway: { maxConnectionsPerTill: 8 } })
    const writer = await RawTill.hello(url, { token: TOKENS['till-a'] })
    await withSale(payments, writer)
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ before: fc.nat(30), resumeBack: fc.nat(40) }), { minLength: 1, maxLength: 4 }),
        fc.nat(30),
        async (joiners, after) => {
          const tills: Array<{ till: Promise<RawTill>; from: number }> = []
          // Events are appended between event-loop turns, so they race the joiners' handshakes.
          const tick = () => new Promise((r) => setImmediate(r))
          for (const joiner of joiners) {
            for (let i = 0; i < joiner.before; i++) {
              payments.advance('till-a', 'sale', { captured: i })
              if (i % 3 === 0) await tick()
            }
            const last = payments.lastSeq('till-a')
            const from = Math.max(0, last - joiner.resumeBack)
            tills.push({ till: RawTill.hello(url, { token: TOKENS['till-a'], resumeFrom: from }), from })
          }
          for (let i = 0; i < after; i++) {
            payments.advance('till-a', 'sale', { captured: i })
            await tick()
          }
          const last = payments.lastSeq('till-a')
          for (const { till, from } of tills) {
            const t = await till
            if (last > from) await t.next((f) => f.type === 'event' && f.seq === last)
            expect(seqs(t)).toEqual(range(from + 1, last))
            t.close()
          }
        },
      ),
      { numRuns: 25 },
    )
  })
})
