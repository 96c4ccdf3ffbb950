import Ajv2020 from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PROTOCOL_SCHEMA_ID, protocolJsonSchema } from '../../../src/protocol/index.js'
import { mutatedTillFrame } from '../../helpers/frame-arbitraries.js'
import { TOKENS, useGateway } from '../../helpers/gateway-harness.js'
import { MemoryPayments } from '../../helpers/memory-payments.js'
import { RawTill } from '../../helpers/raw-till.js'

const startGateway = useGateway()
const FRAMES = 10_000

/** Frames the published JSON Schema refuses (an oracle independent of the gateway's own parser). */
function invalidFrames(count: number): string[] {
  const ajv = new Ajv2020.default({ strict: false })
  addFormats.default(ajv)
  ajv.addSchema(protocolJsonSchema())
  const isTillFrame = ajv.getSchema(`${PROTOCOL_SCHEMA_ID}#/$defs/tillFrame`)
  if (!isTillFrame) throw new Error('no tillFrame schema')
  const texts = fc.oneof(
    { weight: 8, arbitrary: mutatedTillFrame().map((f) => JSON.stringify(f)) },
    // Broken JSON: a valid frame cut short, or any text at all.
    {
      weight: 1,
      arbitrary: fc.tuple(mutatedTillFrame(), fc.nat()).map(([f, n]) => {
        const text = JSON.stringify(f)
        return text.slice(0, n % Math.max(1, text.length))
      }),
    },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  )
  const out: string[] = []
  for (const text of fc.sample(texts, { numRuns: count * 3, seed: 20260101 })) {
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch {
      out.push(text)
      continue
    }
    if (!isTillFrame(value)) out.push(text)
    if (out.length === count) break
  }
  return out
}

describe('gateway under random and mutated frames', () => {
  it(`answers each of ${FRAMES} invalid frames with an error, writes nothing and stays up`, async () => {
    const frames = invalidFrames(FRAMES)
    expect(frames).toHaveLength(FRAMES)
    const payments = new MemoryPayments()
    const { url, gateway } = await startGateway({ payments, gateway: { maxRequestsPerSecond: 10_000 } })
    const till = await RawTill.hello(url, { token: TOKENS['till-a'] })
    for (const text of frames) till.send(text)
    await till.next(() => till.frames.length === FRAMES + 1, 30_000)
    const replies = till.frames.slice(1)
    expect(replies.every((f) => f.type === 'error' && f.code === 'INVALID_MESSAGE' && !f.retryable)).toBe(true)
    expect(payments.writes).toBe(0)
    expect(till.ws.readyState).toBe(till.ws.OPEN)
    const fresh = await RawTill.hello(url, { token: TOKENS['till-b'] })
    expect(await fresh.request({ type: 'payment.get', id: 'after', key: 'k' })).toMatchObject({ code: 'NOT_FOUND' })
    expect(gateway.connections).toBe(2)
  })
})
