import { describe, expect, it } from 'vitest'
import { PersonalQrCodes } from '../../../src/simulator/personal-qr.js'
import { VippsProblem } from '../../../src/simulator/problem.js'

function refusal(fn: () => unknown): VippsProblem {
  try {
    fn()
  } catch (err) {
    if (err instanceof VippsProblem) return err
    throw err
  }
  throw new Error('not refused')
}

describe('PersonalQrCodes', () => {
  it('exchanges a MobilePay token until it expires, then refuses it like an unknown one', () => {
    const codes = new PersonalQrCodes()
    const { qrCode } = codes.issue('abc123', '4790000301', 1_700_000_000_000, 60)
    expect(codes.isToken(qrCode)).toBe(true)
    expect(codes.exchange(qrCode, 1_700_000_059_999)).toEqual({
      msisdn: '4790000301',
      timestamp: 1_700_000_000,
      version: '2.0',
    })
    const expired = refusal(() => codes.exchange(qrCode, 1_700_000_060_000))
    expect(expired.status).toBe(400)
    expect(expired.vippsCode).toBeUndefined()
    expect(expired.fields).toEqual([{ name: 'qrCode', reason: expect.stringContaining('expired') }])
    expect(refusal(() => codes.exchange('https://qr.mobilepay.simulator.invalid/p/nope', 0)).status).toBe(400)
  })

  it("reads Vipps' clear-text code from its digits, and nothing else", () => {
    const codes = new PersonalQrCodes()
    expect(codes.exchange('https://qr.vipps.no/28/2/01/031/4791234562?v=1', 0)).toEqual({
      msisdn: '4791234562',
      version: '1.0',
    })
    expect(codes.isToken('https://qr.vipps.no/28/2/01/031/4791234562?v=1')).toBe(false)
    expect(refusal(() => codes.exchange('http://qr.vipps.no/28/2/01/031/4791234562', 0)).status).toBe(400)
    expect(refusal(() => codes.exchange('4791234562', 0)).status).toBe(400)
  })
})
