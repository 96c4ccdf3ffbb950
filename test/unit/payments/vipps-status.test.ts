import { describe, expect, it } from 'vitest'
import { factsFromVipps } from '../../../src/payments/vipps-status.js'
import type { Aggregate, PaymentState } from '../../../src/vipps/types.js'

function aggregate(authorized: number, captured = 0, refunded = 0, cancelled = 0): Aggregate {
  const nok = (value: number) => ({ currency: 'NOK' as const, value })
  return {
    authorizedAmount: nok(authorized),
    capturedAmount: nok(captured),
    refundedAmount: nok(refunded),
    cancelledAmount: nok(cancelled),
  }
}

describe('Vipps state and aggregate to status', () => {
  it.each<[PaymentState, Aggregate, string]>([
    ['CREATED', aggregate(0), 'pending'],
    ['ABORTED', aggregate(0), 'declined'],
    ['EXPIRED', aggregate(0), 'expired'],
    ['TERMINATED', aggregate(0, 0, 0, 1000), 'cancelled'],
    ['AUTHORIZED', aggregate(1000), 'authorized'],
    ['AUTHORIZED', aggregate(1000, 1000), 'captured'],
    ['AUTHORIZED', aggregate(1000, 600, 0, 400), 'captured'],
    ['AUTHORIZED', aggregate(1000, 0, 0, 1000), 'cancelled'],
    ['AUTHORIZED', aggregate(1000, 1000, 300), 'partially_refunded'],
    ['AUTHORIZED', aggregate(1000, 600, 600, 400), 'refunded'],
  ])('%s with %j is %s', (state, agg, status) => {
    expect(factsFromVipps(state, agg).status).toBe(status)
  })

  it('takes every amount from the aggregate', () => {
    expect(factsFromVipps('AUTHORIZED', aggregate(1000, 600, 100, 400))).toEqual({
      status: 'partially_refunded',
      authorized: 1000,
      captured: 600,
      refunded: 100,
      cancelled: 400,
    })
  })
})
