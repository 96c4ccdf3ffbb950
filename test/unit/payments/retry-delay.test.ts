import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { retryDelay } from '../../../src/payments/call-outcome.js'

describe('retryDelay', () => {
  it('grows with each failure, stays between half and all of its ceiling, and never passes the maximum', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, r) => {
        const ceiling = Math.min(300_000, 1000 * 2 ** Math.min(n - 1, 30))
        const d = retryDelay(n, 1000, 300_000, () => r)
        expect(d).toBeGreaterThanOrEqual(Math.floor(ceiling / 2))
        expect(d).toBeLessThanOrEqual(ceiling)
      }),
    )
    expect([1, 2, 3, 4].map((n) => retryDelay(n, 1000, 300_000, () => 1))).toEqual([1000, 2000, 4000, 8000])
  })

  it('never comes sooner than Retry-After', () => {
    expect(retryDelay(1, 1000, 300_000, () => 0, 30_000)).toBe(30_000)
  })
})
