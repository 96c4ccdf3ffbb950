import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AttemptTimeout } from '../../../src/vipps/abort.js'
import { backoffDelay, parseRetryAfter } from '../../../src/vipps/backoff.js'
import { certainlyNotApplied, classifyStatus, classifyThrown } from '../../../src/vipps/classify.js'
import { parseProblem } from '../../../src/vipps/problem.js'

describe('parseProblem', () => {
  it('reads the ePayment problem: code from extraDetails, title, traceId', () => {
    const body = JSON.stringify({
      type: 'https://httpstatuses.io/400',
      title: 'Cannot capture before reservation',
      status: 400,
      extraDetails: [
        { name: 'Other', reason: 'x' },
        { name: 'ErrorCode', reason: '6080' },
      ],
      traceId: '00-813b63975adcaaeef2b0ec7c103c40e3-706492e906541d31-01',
    })
    expect(parseProblem(body)).toEqual({
      vippsCode: '6080',
      title: 'Cannot capture before reservation',
      traceId: '00-813b63975adcaaeef2b0ec7c103c40e3-706492e906541d31-01',
    })
  })

  it('tolerates Azure, token-endpoint, eCom and non-JSON bodies', () => {
    expect(parseProblem('{"statusCode":401,"message":"Access denied due to invalid subscription key."}')).toEqual({
      title: 'Access denied due to invalid subscription key.',
    })
    expect(parseProblem('{"error":"invalid_client","error_description":"AADSTS7000215","trace_id":"t1"}')).toEqual({
      title: 'AADSTS7000215',
      traceId: 't1',
    })
    expect(
      parseProblem('[{"errorGroup":"Payment","errorCode":"42","errorMessage":"Refused","contextId":"c"}]'),
    ).toEqual({ vippsCode: '42', title: 'Refused', traceId: 'c' })
    expect(parseProblem('<html>Bad gateway</html>')).toEqual({})
    expect(parseProblem('')).toEqual({})
    expect(parseProblem('null')).toEqual({})
    expect(parseProblem('{"extraDetails":[{"name":"errorcode","reason":7010}]}')).toEqual({ vippsCode: '7010' })
  })

  it('never throws, whatever the body', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        parseProblem(text)
      }),
    )
  })
})

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0)
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('3', now)).toBe(3000)
    expect(parseRetryAfter(' 1.5 ', now)).toBe(1500)
    expect(parseRetryAfter(new Date(now + 7000).toUTCString(), now)).toBe(7000)
    expect(parseRetryAfter(new Date(now - 7000).toUTCString(), now)).toBe(0)
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter(null, now)).toBeUndefined()
  })
})

describe('backoffDelay', () => {
  it('grows exponentially, stays within [half, whole] of the step, and is capped', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 0.9999, noNaN: true }), (retry, r) => {
        const policy = { minDelayMs: 250, maxDelayMs: 10_000 }
        const step = Math.min(10_000, 250 * 2 ** (retry - 1))
        const delay = backoffDelay(retry, policy, () => r)
        expect(delay).toBeGreaterThanOrEqual(Math.floor(step / 2))
        expect(delay).toBeLessThanOrEqual(step)
      }),
    )
  })
})

describe('classifyStatus', () => {
  it.each([
    [500, undefined, 'PROVIDER_UNAVAILABLE', true],
    [502, undefined, 'PROVIDER_UNAVAILABLE', true],
    [503, undefined, 'PROVIDER_UNAVAILABLE', true],
    [423, undefined, 'PROVIDER_UNAVAILABLE', true],
    [429, undefined, 'PROVIDER_UNAVAILABLE', true],
    [400, '6160', 'PROVIDER_UNAVAILABLE', true],
    [400, '6280', 'PROVIDER_UNAVAILABLE', true],
    [400, '6080', 'PROVIDER_REJECTED', false],
    [400, undefined, 'PROVIDER_REJECTED', false],
    [401, undefined, 'PROVIDER_UNAUTHORIZED', false],
    [403, undefined, 'PROVIDER_UNAUTHORIZED', false],
    [404, '5090', 'PROVIDER_NOT_FOUND', false],
    [409, undefined, 'PROVIDER_CONFLICT', false],
    [422, undefined, 'PROVIDER_REJECTED', false],
    [302, undefined, 'PROVIDER_REJECTED', false],
  ])('%i with code %s → %s (retryable %s)', (status, vippsCode, code, retryable) => {
    const error = classifyStatus(status, vippsCode ? { vippsCode } : {}, 'op', undefined)
    expect(error).toMatchObject({ code, retryable, status, vippsCode, operation: 'op' })
  })

  it('keeps Retry-After on the error', () => {
    expect(classifyStatus(429, {}, 'op', 2000).retryAfterMs).toBe(2000)
  })
})

describe('classifyThrown', () => {
  it('treats network errors and timeouts as retryable; only a refused connection proves nothing happened', () => {
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) })
    const reset = new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) })
    expect(classifyThrown(refused, 'op')).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true })
    expect(classifyThrown(reset, 'op').message).toBe('network error on op (ECONNRESET)')
    expect(classifyThrown(new AttemptTimeout(10), 'op').message).toBe('Vipps did not answer op within 10 ms')
    expect(certainlyNotApplied(classifyThrown(refused, 'op'))).toBe(true)
    expect(certainlyNotApplied(classifyThrown(reset, 'op'))).toBe(false)
    expect(certainlyNotApplied(classifyStatus(429, {}, 'op', undefined))).toBe(true)
    expect(certainlyNotApplied(classifyStatus(503, {}, 'op', undefined))).toBe(false)
  })
})
