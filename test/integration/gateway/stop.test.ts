import { describe, expect, it } from 'vitest'
import type { CreatePaymentInput, RequestResult } from '../../../src/payments/types.js'
import { TOKENS, useGateway } from '../../helpers/gateway-harness.js'
import { MemoryPayments } from '../../helpers/memory-payments.js'
import { RawTill } from '../../helpers/raw-till.js'

const startGateway = useGateway()

/** Holds every create until `release()`, like an engine whose commit is on its way to the disk. */
class SlowPayments extends MemoryPayments {
  #gate: Promise<void>
  release: () => void = () => {}
  started = 0

  constructor() {
    super()
    this.#gate = new Promise((resolve) => {
      this.release = resolve
    })
  }

  override async create(tillId: string, input: CreatePaymentInput): Promise<RequestResult> {
    this.started += 1
    await this.#gate
    return super.create(tillId, input)
  }
}

const create = (key: string) => ({
  type: 'payment.create',
  id: `create-${key}`,
  key,
  amount: { value: 12550, currency: 'NOK' },
  flow: 'qr',
})

describe('gateway stop', () => {
  it('answers a request taken before stop, refuses new ones with UNAVAILABLE, then closes with 1001', async () => {
    const payments = new SlowPayments()
    const { gateway, url } = await startGateway({ payments })
    const till = await RawTill.hello(url, { token: TOKENS['till-a'] })
    till.send(create('before-stop'))
    while (payments.started === 0) await new Promise((r) => setTimeout(r, 5))

    const stopped = gateway.stop()
    const refused = await till.request(create('during-stop'))
    expect(refused).toMatchObject({ type: 'error', id: 'create-during-stop', code: 'UNAVAILABLE', retryable: true })
    expect(payments.started).toBe(1)

    payments.release()
    const answered = await till.next((f) => f.type === 'result' && f.id === 'create-before-stop')
    expect(answered).toMatchObject({ replayed: false, payment: { key: 'before-stop', status: 'queued' } })
    expect(await till.closed).toEqual({ code: 1001, reason: 'daemon stopping' })
    await stopped
    const order = till.frames.filter((f) => f.type !== 'event').map((f) => `${f.type}:${'id' in f ? f.id : ''}`)
    expect(order).toEqual(['welcome:', 'error:create-during-stop', 'result:create-before-stop'])
  })

  it('does not wait for ever: after the grace it says 1001 even if a request is still unanswered', async () => {
    const payments = new SlowPayments()
    const { gateway, url } = await startGateway({ payments })
    const till = await RawTill.hello(url, { token: TOKENS['till-a'] })
    till.send(create('stuck'))
    while (payments.started === 0) await new Promise((r) => setTimeout(r, 5))
    const startedAt = Date.now()
    await gateway.stop()
    expect((await till.closed).code).toBe(1001)
    expect(Date.now() - startedAt).toBeLessThan(4000)
    payments.release()
  })
})
