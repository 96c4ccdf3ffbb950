import { describe, expect, it } from 'vitest'
import { RateLimiter } from '../../../src/simulator/rate-limit.js'

describe('RateLimiter', () => {
  it('allows the limit per minute and says when the next slot frees', () => {
    const limiter = new RateLimiter(1)
    for (let i = 0; i < 5; i++) expect(limiter.take('ref', 5, i * 1000)).toBeUndefined()
    expect(limiter.take('ref', 5, 10_000)).toBe(50)
    expect(limiter.take('other', 5, 10_000)).toBeUndefined()
    expect(limiter.take('ref', 5, 60_001)).toBeUndefined()
  })

  it('scales the limits, and 0 turns them off', () => {
    const scaled = new RateLimiter(0.2)
    expect(scaled.take('r', 5, 0)).toBeUndefined()
    expect(scaled.take('r', 5, 1)).toBeGreaterThan(0)
    const off = new RateLimiter(0)
    for (let i = 0; i < 100; i++) expect(off.take('r', 5, 0)).toBeUndefined()
  })
})
