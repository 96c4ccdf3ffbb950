import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { EventStream } from '../../../src/gateway/event-stream.js'
import type { EventFrame } from '../../../src/protocol/index.js'
import { MemoryPayments } from '../../helpers/memory-payments.js'

async function withPayment() {
  const payments = new MemoryPayments()
  await payments.create('t', { key: 'k', amount: { value: 1, currency: 'NOK' }, flow: 'qr', capture: 'auto' })
  return payments
}

describe('EventStream', () => {
  it('writes each seq once and in order, however live offers and mailbox reads interleave (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('append', 'offer-latest', 'offer-stale', 'pump', 'congest', 'drain'), {
          maxLength: 80,
        }),
        async (steps) => {
          const payments = await withPayment()
          const written: number[] = []
          let congested = false
          let flush: (() => void) | undefined
          const stream = new EventStream(payments, 't', 0, {
            send: (frame: EventFrame, onFlushed) => {
              written.push(frame.seq)
              if (!congested) return 'sent'
              flush = onFlushed
              return 'congested'
            },
          })
          for (const step of steps) {
            const last = payments.eventsAfter('t', payments.lastSeq('t') - 1, 1)[0]
            if (step === 'append') payments.advance('t', 'k', { captured: written.length })
            if (step === 'offer-latest' && last) stream.offer(last)
            if (step === 'offer-stale') stream.offer({ seq: 1, payment: payments.get('t', 'k') })
            if (step === 'pump') stream.pump()
            if (step === 'congest') congested = true
            if (step === 'drain') {
              congested = false
              const f = flush
              flush = undefined
              f?.()
            }
          }
          congested = false
          flush?.()
          stream.pump()
          const lastSeq = payments.lastSeq('t')
          expect(written).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1))
        },
      ),
      { numRuns: 300 },
    )
  })

  it('starts after the given seq and stops writing once the connection is closed', async () => {
    const payments = await withPayment()
    for (let i = 0; i < 4; i++) payments.advance('t', 'k', { captured: i })
    const written: number[] = []
    const stream = new EventStream(payments, 't', 2, {
      send: (frame) => {
        if (written.length === 2) return 'closed'
        written.push(frame.seq)
        return 'sent'
      },
    })
    stream.pump()
    expect(written).toEqual([3, 4])
    expect(stream.cursor).toBe(4)
  })
})
