import { describe, expect, it } from 'vitest'
import { checkClockSkew, estimateSkew, sampleDates } from '../../../../src/ops/doctor/clock-skew.js'
import { ManualClock } from '../../../../src/shared/manual-clock.js'

const T = Date.UTC(2026, 0, 1, 12, 0, 0)

describe('clock skew against the provider Date header', () => {
  it('takes the sample with the shortest round trip, centred in the Date second', () => {
    const estimate = estimateSkew([
      { serverMs: T + 10_000, sentAt: T, receivedAt: T + 4000 },
      { serverMs: T + 5000, sentAt: T + 100, receivedAt: T + 300 },
    ])
    // Vipps' true time lies in [date, date + 1 s); our time at its answer is the trip's midpoint.
    expect(estimate).toEqual({ skewMs: 5000 + 500 - 200, uncertaintyMs: 600 })
  })

  it('passes up to 2 s, warns above, fails above 30 s, and says which way the clock is off', () => {
    const at = (skewMs: number) => [{ serverMs: T + skewMs - 500, sentAt: T, receivedAt: T }]
    expect(checkClockSkew(at(1900)).status).toBe('pass')
    const behind = checkClockSkew(at(2100))
    expect(behind).toMatchObject({ status: 'warn', finding: expect.stringContaining('2.1 s behind Vipps') })
    expect(behind.fix).toMatch(/NTP/)
    const ahead = checkClockSkew(at(-31_000))
    expect(ahead).toMatchObject({ status: 'fail', finding: expect.stringContaining('31.0 s ahead of Vipps') })
    expect(checkClockSkew(at(-29_000)).status).toBe('warn')
  })

  it('skips when no answer carried a Date', () => {
    expect(checkClockSkew([]).status).toBe('skip')
  })

  it('records Date headers of answers through the wrapped fetch, on the injected clock', async () => {
    const clock = new ManualClock(T)
    const samples: Array<{ serverMs: number; sentAt: number; receivedAt: number }> = []
    const fake: typeof fetch = async () => new Response('{}', { headers: { date: 'Thu, 01 Jan 2026 12:00:07 GMT' } })
    const undated: typeof fetch = async () => new Response('{}')
    await sampleDates(fake, clock, samples)('http://x.invalid/')
    await sampleDates(undated, clock, samples)('http://x.invalid/')
    expect(samples).toEqual([{ serverMs: T + 7000, sentAt: T, receivedAt: T }])
  })
})
