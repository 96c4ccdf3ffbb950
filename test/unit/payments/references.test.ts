import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { idempotencyKey, MAX_REFERENCE_LENGTH, paymentReference } from '../../../src/payments/references.js'

const REFERENCE = /^[a-zA-Z0-9-]{8,50}$/
const prefix = fc.stringMatching(/^[a-zA-Z0-9-]{1,16}$/)
const installation = fc.stringMatching(/^[a-z]{6}$/)
const paymentId = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER })

describe('references and idempotency keys', () => {
  it('makes a valid Vipps reference of at most 40 characters from any prefix, installation and id', () => {
    fc.assert(
      fc.property(prefix, installation, paymentId, (p, inst, id) => {
        const ref = paymentReference(p, inst, id)
        expect(ref).toMatch(REFERENCE)
        expect(ref.length).toBeLessThanOrEqual(MAX_REFERENCE_LENGTH)
      }),
    )
  })

  it('gives different ids different references, and no reference is all digits', () => {
    fc.assert(
      fc.property(installation, paymentId, paymentId, (inst, a, b) => {
        fc.pre(a !== b)
        expect(paymentReference('123', inst, a)).not.toBe(paymentReference('123', inst, b))
        expect(paymentReference('123', inst, a)).not.toMatch(/^[0-9-]+$/)
      }),
    )
  })

  it('keeps digit runs of realistic ids short', () => {
    for (const id of [1, 9, 10, 999_999, 46_656, 1_679_616, 60_466_175]) {
      const longestRun = Math.max(
        ...(paymentReference('tb', 'abcdef', id).match(/[0-9]+/g) ?? ['']).map((r) => r.length),
      )
      expect(longestRun).toBeLessThanOrEqual(5)
    }
  })

  it('derives one key per operation that fits 50 characters', () => {
    fc.assert(
      fc.property(prefix, installation, paymentId, fc.integer({ min: 1, max: 9999 }), (p, inst, id, n) => {
        const ref = paymentReference(p, inst, id)
        const keys = [
          idempotencyKey(ref, 'create'),
          idempotencyKey(ref, 'capture', n),
          idempotencyKey(ref, 'refund', n),
          idempotencyKey(ref, 'cancel', n),
        ]
        for (const key of keys) expect(key.length).toBeLessThanOrEqual(50)
        expect(new Set(keys).size).toBe(4)
      }),
    )
  })

  it('names keys after the reference and the operation', () => {
    expect(idempotencyKey('tb-abcdef-1', 'create')).toBe('tb-abcdef-1-c')
    expect(idempotencyKey('tb-abcdef-1', 'capture', 1)).toBe('tb-abcdef-1-cap1')
    expect(idempotencyKey('tb-abcdef-1', 'refund', 3)).toBe('tb-abcdef-1-r3')
    expect(idempotencyKey('tb-abcdef-1', 'cancel', 2)).toBe('tb-abcdef-1-x2')
  })
})
