import { describe, expect, it } from 'vitest'
import { parseDaemonFrame, parseTillFrame } from '../../../src/protocol/index.js'

const create = {
  type: 'payment.create',
  id: 'r1',
  key: 'sale-2025-000123',
  amount: { value: 12550, currency: 'NOK' },
  flow: 'push',
  customer: { phoneNumber: '4791234567' },
}

function problem(frame: unknown): string {
  const parsed = parseTillFrame(JSON.stringify(frame))
  if (parsed.ok) throw new Error(`accepted ${JSON.stringify(frame)}`)
  return parsed.message
}

describe('parseTillFrame', () => {
  it('accepts a valid create and fills in capture "auto"', () => {
    const parsed = parseTillFrame(JSON.stringify(create))
    expect(parsed).toEqual({ ok: true, frame: { ...create, capture: 'auto' } })
  })

  it('accepts an age-restricted create (minimumUserAge, years)', () => {
    const parsed = parseTillFrame(JSON.stringify({ ...create, minimumUserAge: 18 }))
    expect(parsed).toEqual({ ok: true, frame: { ...create, capture: 'auto', minimumUserAge: 18 } })
  })

  it.each([
    [{ ...create, amount: { value: 0, currency: 'NOK' } }, 'amount.value: must be an integer > 0'],
    [{ ...create, amount: { value: 12.5, currency: 'NOK' } }, 'amount.value: must be an integer > 0'],
    [{ ...create, amount: { value: 100, currency: 'SEK' } }, 'amount.currency: must be one of NOK, DKK, EUR'],
    [{ ...create, amount: { value: 100 } }, 'amount.currency: is required'],
    [{ ...create, key: 'has space' }, 'key: must be 1–100 characters of A-Z a-z 0-9 . _ : -'],
    [{ ...create, key: 'k'.repeat(101) }, 'key: must be 1–100 characters of A-Z a-z 0-9 . _ : -'],
    [{ ...create, id: '' }, 'id: must be a string of 1–64 characters'],
    [{ ...create, id: 'x'.repeat(65) }, 'id: must be a string of 1–64 characters'],
    [{ ...create, flow: 'nfc' }, 'flow: must be "push" or "qr"'],
    [{ ...create, customer: undefined }, 'customer: is required for flow "push"'],
    [{ ...create, flow: 'qr' }, 'customer: must be left out for flow "qr"'],
    [{ ...create, customer: {} }, 'customer: must have exactly one of phoneNumber, personalQr, customerToken'],
    [
      { ...create, customer: { phoneNumber: '4791234567', customerToken: 't' } },
      'customer: must have exactly one of phoneNumber, personalQr, customerToken',
    ],
    [
      { ...create, customer: { phoneNumber: '479123' } },
      'customer.phoneNumber: must be 10–15 digits (MSISDN with country code)',
    ],
    [
      { ...create, customer: { phoneNumber: '4'.repeat(16) } },
      'customer.phoneNumber: must be 10–15 digits (MSISDN with country code)',
    ],
    [{ ...create, description: 'ab' }, 'description: must be a string of 3–100 characters'],
    [{ ...create, capture: 'later' }, 'capture: must be "auto" or "manual"'],
    [{ ...create, metadata: { a: 1 } }, 'metadata.a: must be a string of 0–500 characters'],
    [
      { ...create, metadata: { a: '1', b: '2', c: '3', d: '4', e: '5', f: '6' } },
      'metadata: must be an object of at most 5 string pairs (keys 1–100, values 0–500 characters)',
    ],
    [{ ...create, minimumUserAge: 0 }, 'minimumUserAge: must be an integer of 1–120 (years)'],
    [{ ...create, minimumUserAge: 18.5 }, 'minimumUserAge: must be an integer of 1–120 (years)'],
    [{ ...create, minimumUserAge: '18' }, 'minimumUserAge: must be an integer of 1–120 (years)'],
    [{ ...create, extra: true }, 'extra: unknown field'],
    [{ ...create, amount: { value: 1, currency: 'NOK', cents: 1 } }, 'amount.cents: unknown field'],
    [{ type: 'ack', seq: -1 }, 'seq: must be an integer ≥ 0'],
    [{ type: 'ack', seq: 1, id: 'r9' }, 'id: unknown field'],
    [{ type: 'hello', resumeFrom: 1.5 }, 'resumeFrom: must be an integer ≥ 0'],
    [
      { type: 'payment.refund', id: 'r5', key: 'k', refundKey: 'bad key', amount: { value: 5, currency: 'NOK' } },
      'refundKey: must be 1–100 characters of A-Z a-z 0-9 . _ : -',
    ],
    [{ type: 'payment.refund', id: 'r5', key: 'k', refundKey: 'r' }, 'amount: is required'],
    [{ type: 'payment.teleport', id: 'r6' }, expect.stringMatching(/^type: must be one of hello, payment.create/)],
    [{ id: 'r7' }, 'type: is required'],
  ])('rejects %j with "%s"', (frame, message) => {
    expect(problem(frame)).toEqual(message)
  })

  it('counts characters, not UTF-16 units, as the JSON Schema does', () => {
    expect(parseTillFrame(JSON.stringify({ ...create, id: '😀'.repeat(64) })).ok).toBe(true)
    expect(parseTillFrame(JSON.stringify({ ...create, id: '😀'.repeat(65) })).ok).toBe(false)
  })

  it('names the request id in the failure when the frame had a usable one', () => {
    expect(parseTillFrame(JSON.stringify({ ...create, flow: 'x' }))).toMatchObject({ ok: false, id: 'r1' })
    expect(parseTillFrame('{"type":"payment.get","id":7,"key":"k"}')).not.toHaveProperty('id')
  })

  it.each(['not json', '[]', '42', 'null', '"hello"'])('rejects the non-object %s', (text) => {
    expect(parseTillFrame(text).ok).toBe(false)
  })
})

describe('parseDaemonFrame', () => {
  it('accepts a welcome and refuses a welcome with a stray field', () => {
    const welcome = {
      type: 'welcome',
      tillId: 'till-1',
      protocol: 1,
      serverTime: '2026-01-01T12:00:00.000Z',
      lastSeq: 0,
      provider: { state: 'ok' },
    }
    expect(parseDaemonFrame(JSON.stringify(welcome)).ok).toBe(true)
    expect(parseDaemonFrame(JSON.stringify({ ...welcome, extra: 1 })).ok).toBe(false)
  })
})
