import { describe, expect, it } from 'vitest'
import { MAX_FRAME_BYTES } from '../../../src/protocol/index.js'
import { TOKENS, useGateway } from '../../helpers/gateway-harness.js'
import { MemoryPayments } from '../../helpers/memory-payments.js'
import { RawTill } from '../../helpers/raw-till.js'

const startGateway = useGateway()

async function twoTills(options: Parameters<typeof startGateway>[0] = {}) {
  const payments = new MemoryPayments()
  const harness = await startGateway({ payments, ...options })
  const victim = await RawTill.hello(harness.url, { token: TOKENS['till-a'] })
  const bystander = await RawTill.hello(harness.url, { token: TOKENS['till-b'] })
  return { ...harness, payments, victim, bystander }
}

async function stillServes(till: RawTill): Promise<void> {
  expect(await till.request({ type: 'payment.get', id: 'alive', key: 'nothing' })).toMatchObject({ code: 'NOT_FOUND' })
}

describe('gateway limits', () => {
  it('closes a frame over 64 KiB with 1009, and only that connection', async () => {
    const { victim, bystander } = await twoTills()
    victim.send(JSON.stringify({ type: 'payment.get', id: 'big', key: 'x'.repeat(MAX_FRAME_BYTES) }))
    expect((await victim.closed).code).toBe(1009)
    await stillServes(bystander)
  })

  it('accepts a frame of exactly 64 KiB (and says what is wrong with it)', async () => {
    const { victim } = await twoTills()
    const frame = JSON.stringify({ type: 'payment.get', id: 'edge', key: 'k', pad: '' })
    victim.send(frame.replace('"pad":""', `"pad":"${'p'.repeat(MAX_FRAME_BYTES - frame.length)}"`))
    expect(await victim.next((f) => f.type === 'error')).toMatchObject({
      code: 'INVALID_MESSAGE',
      message: 'pad: unknown field',
    })
  })

  it('closes a text frame of invalid UTF-8 with 1007, and only that connection', async () => {
    const { victim, bystander } = await twoTills()
    victim.ws.send(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), { binary: false })
    expect((await victim.closed).code).toBe(1007)
    await stillServes(bystander)
  })

  it('closes a binary frame with 1003, and only that connection', async () => {
    const { victim, bystander } = await twoTills()
    victim.ws.send(Buffer.from('{"type":"ack","seq":0}'), { binary: true })
    expect((await victim.closed).code).toBe(1003)
    await stillServes(bystander)
  })

  it('closes a till that sends but does not read with 1008 once its buffer passes the ceiling', async () => {
    const { victim, bystander, payments } = await twoTills({
      gateway: { maxBufferedBytes: 64 * 1024, maxRequestsPerSecond: 10_000 },
    })
    await victim.request({
      type: 'payment.create',
      id: 'c',
      key: 'big',
      amount: { value: 100, currency: 'NOK' },
      flow: 'qr',
    })
    payments.advance('till-a', 'big', { status: 'failed', failure: { code: 'x', message: 'm'.repeat(40_000) } })
    victim.ws.pause()
    // Each answer is ~40 KB: far more than the kernel's socket buffers and the ceiling together.
    for (let i = 0; i < 1000; i++) victim.send({ type: 'payment.get', id: `g${i}`, key: 'big' })
    victim.ws.resume()
    expect((await victim.closed).code).toBe(1008)
    await stillServes(bystander)
  })

  it('holds back events for a till that is not reading, then delivers every one in order', async () => {
    const { victim, payments } = await twoTills({ gateway: { maxBufferedBytes: 64 * 1024 } })
    await victim.request({
      type: 'payment.create',
      id: 'c',
      key: 'slow',
      amount: { value: 100, currency: 'NOK' },
      flow: 'qr',
    })
    victim.ws.pause()
    for (let i = 0; i < 400; i++)
      payments.advance('till-a', 'slow', { failure: { code: String(i), message: 'm'.repeat(40_000) } })
    await new Promise((r) => setTimeout(r, 200))
    victim.ws.resume()
    await victim.next((f) => f.type === 'event' && f.seq === 401, 10_000)
    expect(victim.events().map((e) => e.seq)).toEqual(Array.from({ length: 401 }, (_, i) => i + 1))
    expect(victim.ws.readyState).toBe(victim.ws.OPEN)
  })
})
