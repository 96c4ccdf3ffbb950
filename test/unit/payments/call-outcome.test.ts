import { describe, expect, it } from 'vitest'
import { classifyFailure } from '../../../src/payments/call-outcome.js'
import { classifyStatus } from '../../../src/vipps/classify.js'

describe('classifyFailure: what create recovery and the worker read from a failed call', () => {
  it.each([
    [404, '5090'],
    [400, '5090'],
    [404, undefined],
  ])('HTTP %i with code %s means Vipps does not have the payment', (status, vippsCode) => {
    const err = classifyStatus(status, vippsCode ? { vippsCode } : {}, 'getPayment', undefined)
    const f = classifyFailure('getPayment', undefined, err)
    expect(f).toMatchObject({ notFound: true, retryable: false })
  })

  it('other refusals of a read are not "not found"', () => {
    const err = classifyStatus(400, { vippsCode: '6080' }, 'getPayment', undefined)
    expect(classifyFailure('getPayment', undefined, err).notFound).toBe(false)
  })

  it('a refusal the policy retries is retryable, with its row', () => {
    const err = classifyStatus(400, { vippsCode: '6250' }, 'cancelPayment', undefined)
    const f = classifyFailure('cancelPayment', 'k', err)
    expect(f.retryable).toBe(true)
    expect(f.policy?.action).toEqual({ kind: 'retry', afterMs: 1000, maxAttempts: 30 })
  })
})
