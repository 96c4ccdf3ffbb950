import { describe, expect, it } from 'vitest'
import { backoffDelay } from '../../../src/client/backoff.js'

describe('backoffDelay', () => {
  it('grows exponentially up to the maximum, between half the minimum and the ceiling', () => {
    const options = { minDelayMs: 100, maxDelayMs: 1000 }
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffDelay(a, options, () => 1))).toEqual([100, 200, 400, 800, 1000, 1000])
    expect([0, 1, 5].map((a) => backoffDelay(a, options, () => 0))).toEqual([50, 50, 50])
  })

  it('spreads tills out: different random draws give different delays', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(6, { minDelayMs: 100, maxDelayMs: 10_000 })))
    expect(delays.size).toBeGreaterThan(40)
  })

  it('does not overflow for very many attempts', () => {
    expect(backoffDelay(10_000, { minDelayMs: 250, maxDelayMs: 10_000 }, () => 1)).toBe(10_000)
  })
})
