import { describe, expect, it } from 'vitest'
import { dayBounds, dayOf, parseDay, previousDay } from '../../../../src/ops/reconcile/day.js'

const HOUR = 3600_000

describe('store days', () => {
  it('bounds an Oslo winter day at local midnight (UTC+1)', () => {
    expect(dayBounds('2026-01-15', 'Europe/Oslo')).toEqual({
      start: Date.UTC(2026, 0, 14, 23),
      end: Date.UTC(2026, 0, 15, 23),
    })
  })

  it('gives the spring-forward day 23 hours and the fall-back day 25', () => {
    const spring = dayBounds('2026-03-29', 'Europe/Oslo')
    expect(spring.start).toBe(Date.UTC(2026, 2, 28, 23))
    expect(spring.end - spring.start).toBe(23 * HOUR)
    const autumn = dayBounds('2026-10-25', 'Europe/Oslo')
    expect(autumn.start).toBe(Date.UTC(2026, 9, 24, 22))
    expect(autumn.end - autumn.start).toBe(25 * HOUR)
  })

  it('is the UTC day in UTC, and days follow each other without gaps across months and years', () => {
    expect(dayBounds('2026-12-31', 'UTC')).toEqual({ start: Date.UTC(2026, 11, 31), end: Date.UTC(2027, 0, 1) })
    expect(dayBounds('2026-02-28', 'Europe/Helsinki').end).toBe(dayBounds('2026-03-01', 'Europe/Helsinki').start)
  })

  it('names the local day of an instant, and the day before it', () => {
    const lateEvening = Date.UTC(2026, 5, 30, 22, 30) // 00:30 on 1 July in Oslo (UTC+2)
    expect(dayOf(lateEvening, 'Europe/Oslo')).toBe('2026-07-01')
    expect(dayOf(lateEvening, 'UTC')).toBe('2026-06-30')
    expect(previousDay(lateEvening, 'Europe/Oslo')).toBe('2026-06-30')
    expect(previousDay(Date.UTC(2026, 0, 1, 12), 'UTC')).toBe('2025-12-31')
  })

  it('refuses dates that are not calendar days, ', () => {
    expect(parseDay('2028-02-29')).toEqual({ year: 2028, month: 2, day: 29 })
    for (const bad of ['2026-02-29', '2026-13-01', '26-01-01', '2026-1-1', 'yesterday']) {
      expect(() => parseDay(bad), bad).toThrow(/YYYY-MM-DD/)
    }
  })
})
