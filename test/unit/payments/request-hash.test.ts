import { describe, expect, it } from 'vitest'
import { canonicalJson, requestHash } from '../../../src/payments/request-hash.js'

describe('request hash', () => {
  it('is the same whatever order the fields were written in', () => {
    const a = { key: 'k', amount: { value: 100, currency: 'NOK' }, flow: 'qr', metadata: { b: '2', a: '1' } }
    const b = { metadata: { a: '1', b: '2' }, flow: 'qr', amount: { currency: 'NOK', value: 100 }, key: 'k' }
    expect(requestHash(a)).toBe(requestHash(b))
    expect(canonicalJson(b)).toBe(
      '{"amount":{"currency":"NOK","value":100},"flow":"qr","key":"k","metadata":{"a":"1","b":"2"}}',
    )
  })

  it('differs when any value differs, and ignores absent optional fields', () => {
    const base = { key: 'k', amount: { value: 100, currency: 'NOK' }, description: undefined }
    expect(requestHash(base)).toBe(requestHash({ key: 'k', amount: { value: 100, currency: 'NOK' } }))
    expect(requestHash(base)).not.toBe(requestHash({ ...base, amount: { value: 101, currency: 'NOK' } }))
    expect(requestHash(base)).not.toBe(requestHash({ ...base, description: 'Kvittering' }))
  })
})
