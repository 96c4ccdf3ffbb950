import { describe, expect, it } from 'vitest'
import { canonicalJson, fingerprint, IdempotencyStore } from '../../../src/simulator/idempotency.js'

describe('IdempotencyStore', () => {
  const created = { status: 201, body: { reference: 'ref-00000001' } }

  it('replays the first answer for the same request and refuses another request under the key', () => {
    const store = new IdempotencyStore()
    const print = fingerprint('POST', '/epayment/v1/payments', { a: 1 })
    expect(store.lookup('123456', 'k', print)).toEqual({ kind: 'new' })
    store.remember('123456', 'k', print, created)
    expect(store.lookup('123456', 'k', print)).toEqual({ kind: 'replay', answer: created })
    expect(store.lookup('123456', 'k', fingerprint('POST', '/epayment/v1/payments', { a: 2 }))).toEqual({
      kind: 'conflict',
    })
    expect(store.lookup('654321', 'k', print)).toEqual({ kind: 'new' })
  })

  it('keeps a 4xx for its key but never a 5xx, 423 or 429', () => {
    const store = new IdempotencyStore()
    for (const status of [500, 503, 423, 429]) {
      store.remember('m', `k${status}`, 'p', { status })
      expect(store.lookup('m', `k${status}`, 'p').kind).toBe('new')
    }
    store.remember('m', 'k400', 'p', { status: 400 })
    expect(store.lookup('m', 'k400', 'p')).toEqual({ kind: 'replay', answer: { status: 400 } })
  })

  it('compares JSON content, not key order or spacing', () => {
    expect(canonicalJson({ b: [1, { d: 1, c: 2 }], a: 'x' })).toBe(
      canonicalJson(JSON.parse('{"a":"x","b":[1,{"c":2,"d":1}]}')),
    )
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: '1' }))
  })
})
