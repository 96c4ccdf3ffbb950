import { describe, expect, it } from 'vitest'
import { TokenBucket } from '../../../src/gateway/rate-limit.js'
import { ManualClock } from '../../../src/shared/manual-clock.js'

describe('TokenBucket', () => {
  it('allows a burst, then the rate, refilled on the monotonic clock', async () => {
    const clock = new ManualClock()
    const bucket = new TokenBucket(10, 20, clock)
    const takes = (n: number) => Array.from({ length: n }, () => bucket.take()).filter(Boolean).length
    expect(takes(25)).toBe(20)
    await clock.advance(100)
    expect(takes(5)).toBe(1)
    await clock.advance(10_000)
    expect(takes(50)).toBe(20)
  })

  it('is not refilled by a wall-clock step', () => {
    const clock = new ManualClock()
    const bucket = new TokenBucket(1, 1, clock)
    expect(bucket.take()).toBe(true)
    clock.stepWall(3_600_000)
    expect(bucket.take()).toBe(false)
  })
})
