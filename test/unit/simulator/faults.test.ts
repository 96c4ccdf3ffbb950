import { describe, expect, it } from 'vitest'
import { Faults } from '../../../src/simulator/faults.js'

describe('Faults', () => {
  const run = (seed: number) => {
    const faults = new Faults(1)
    faults.set({ errorRate: 0.3, dropBeforeRate: 0.2, rateLimitRate: 0.2, dropAfterRate: 0.2, seed })
    return Array.from({ length: 50 }, () => faults.decide('/epayment/v1/payments').action)
  }

  it('gives the same sequence of outcomes for the same seed', () => {
    expect(run(9)).toEqual(run(9))
    expect(run(9)).not.toEqual(run(10))
    expect(new Set(run(9))).toEqual(new Set(['none', 'error', 'dropBefore', 'rateLimit', 'dropAfter']))
  })

  it('limits faults to path prefixes and regular expressions', () => {
    const faults = new Faults(1)
    faults.set({ errorRate: 1, paths: ['/epayment/v1/payments', '^/management/v1/sales-units/\\d+$'] })
    expect(faults.decide('/epayment/v1/payments/ref-00000001/capture').action).toBe('error')
    expect(faults.decide('/management/v1/sales-units/123456').action).toBe('error')
    expect(faults.decide('/management/v1/sales-units').action).toBe('none')
    expect(faults.decide('/accesstoken/get').action).toBe('none')
  })

  it('tokenOutage hits only the token endpoint; clear() removes everything', () => {
    const faults = new Faults(1)
    faults.set({ tokenOutage: true, latencyMs: 50 })
    expect(faults.decide('/accesstoken/get')).toEqual({ latencyMs: 50, action: 'tokenOutage' })
    expect(faults.decide('/epayment/v1/payments')).toEqual({ latencyMs: 50, action: 'none' })
    faults.clear()
    expect(faults.decide('/accesstoken/get')).toEqual({ latencyMs: 0, action: 'none' })
    expect(() => faults.set({ paths: ['^(unclosed'] })).toThrow(SyntaxError)
  })
})
