import fc from 'fast-check'

/** fast-check generators of till frames: valid ones, and valid ones broken in one place. */

const keyChars = fc.constantFrom(...'ABCabcxyz0189._:-'.split(''))
export const keyArb = fc.string({ unit: keyChars, minLength: 1, maxLength: 100 })
const idArb = fc.string({ minLength: 1, maxLength: 64, unit: 'grapheme-composite' })
const moneyArb = fc.record({
  value: fc.integer({ min: 1, max: 10_000_000 }),
  currency: fc.constantFrom('NOK', 'DKK', 'EUR'),
})
const digits = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'.split('')), minLength: min, maxLength: max })
const customerArb = fc.oneof(
  fc.record({ phoneNumber: digits(10, 15) }),
  fc.record({ personalQr: fc.string({ minLength: 5, maxLength: 255 }) }),
  fc.record({ customerToken: fc.string({ minLength: 1, maxLength: 255 }) }),
)
const metadataArb = fc.dictionary(fc.string({ minLength: 1, maxLength: 100 }), fc.string({ maxLength: 500 }), {
  maxKeys: 5,
})

const createArb = fc
  .record(
    {
      type: fc.constant('payment.create'),
      id: idArb,
      key: keyArb,
      amount: moneyArb,
      flow: fc.constantFrom('push', 'qr'),
      customer: customerArb,
      description: fc.string({ minLength: 3, maxLength: 100 }),
      capture: fc.constantFrom('auto', 'manual'),
      receipt: fc.record({ orderLines: fc.constant([]), bottomLine: fc.record({ currency: fc.constant('NOK') }) }),
      metadata: metadataArb,
    },
    { requiredKeys: ['type', 'id', 'key', 'amount', 'flow'] },
  )
  .map((f) => {
    const frame: Record<string, unknown> = { ...f }
    if (f.flow === 'qr') delete frame.customer
    else frame.customer ??= { phoneNumber: '4791234567' }
    return frame
  })

/** Any valid till frame. */
export function validTillFrame(): fc.Arbitrary<Record<string, unknown>> {
  return fc.oneof(
    fc.record(
      { type: fc.constant('hello'), token: fc.string({ minLength: 1, maxLength: 64 }), resumeFrom: fc.nat() },
      { requiredKeys: ['type'] },
    ),
    createArb,
    fc.record({ type: fc.constantFrom('payment.get', 'payment.cancel'), id: idArb, key: keyArb }),
    fc.record(
      { type: fc.constant('payment.capture'), id: idArb, key: keyArb, amount: moneyArb },
      { requiredKeys: ['type', 'id', 'key'] },
    ),
    fc.record({ type: fc.constant('payment.refund'), id: idArb, key: keyArb, refundKey: keyArb, amount: moneyArb }),
    fc.record({ type: fc.constant('ack'), seq: fc.nat() }),
  )
}

const oddValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(0, -1, 1.5, '', 'x'.repeat(101), null, [], {}, 'NOK', 'push', 'qr', '4791234567'),
)

/** Sets (or deletes) one value at a random path inside `frame`. */
function mutateAt(frame: Record<string, unknown>, path: number[], value: unknown, remove: boolean): unknown {
  const clone = structuredClone(frame) as Record<string, unknown>
  let target: Record<string, unknown> = clone
  for (const step of path) {
    const keys = Object.keys(target)
    const key = keys[step % Math.max(1, keys.length)]
    const next = key === undefined ? undefined : target[key]
    if (key === undefined || typeof next !== 'object' || next === null || Array.isArray(next) || step % 3 === 0) {
      const k = key ?? 'extra'
      if (remove) delete target[k]
      else target[k] = value
      return clone
    }
    target = next as Record<string, unknown>
  }
  target.extraField = value
  return clone
}

/** A valid frame, or one broken in one place (a field changed, removed or added), or any JSON. */
export function mutatedTillFrame(): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: validTillFrame() },
    {
      weight: 6,
      arbitrary: fc
        .tuple(validTillFrame(), fc.array(fc.nat(20), { minLength: 1, maxLength: 3 }), oddValue, fc.boolean())
        .map(([frame, path, value, remove]) => mutateAt(frame, path, value, remove)),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  )
}
