import { afterEach, describe, expect, it } from 'vitest'
import { ACK_DELAY_MS } from '../../../src/payments/ack-coalescer.js'
import { ManualClock } from '../../../src/shared/manual-clock.js'
import { FakeEpayment } from '../../helpers/fake-epayment.js'
import { advance, type PaymentsHarness, pushPayment, settle, startPayments } from '../../helpers/payments-harness.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const tempDir = useTempDir('tillbridge-acks-')
let h: PaymentsHarness | undefined
afterEach(async () => {
  await h?.stop()
  h = undefined
})

describe('acks share one COMMIT', () => {
  it('are stored together ACK_DELAY_MS after the first, the highest seq per till winning', async () => {
    h = await startPayments({ dir: tempDir(), provider: new FakeEpayment() })
    await h.engine.create('till-1', pushPayment('a'))
    await h.engine.create('till-2', pushPayment('b'))
    await settle(h)
    expect(h.engine.summary().eventsUnacked).toBe(4)
    h.engine.ack('till-1', 2)
    h.engine.ack('till-1', 1)
    h.engine.ack('till-2', 1)
    await settle(h)
    expect(h.engine.summary().eventsUnacked).toBe(4)
    await advance(h, ACK_DELAY_MS)
    expect(h.engine.summary().eventsUnacked).toBe(1)
    expect(h.engine.eventsAfter('till-1', 0, 10)).toEqual([])
  })

  it('are stored on stop, and the next start does not send those events again', async () => {
    const dir = tempDir()
    const clock = new ManualClock()
    const provider = new FakeEpayment()
    const first = await startPayments({ dir, provider, clock })
    await first.engine.create('till-1', pushPayment('a'))
    await settle(first)
    first.engine.ack('till-1', 2)
    await first.stop()
    h = await startPayments({ dir, provider, clock })
    expect(h.engine.eventsAfter('till-1', 0, 10)).toEqual([])
  })
})
