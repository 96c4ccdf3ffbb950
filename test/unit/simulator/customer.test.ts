import { describe, expect, it } from 'vitest'
import { customerAge, customerBehaviour } from '../../../src/simulator/customer.js'

describe('customerBehaviour', () => {
  it.each([
    ['4791234561', 'approve'],
    ['4791234562', 'reject'],
    ['4791234563', 'ignore'],
    ['4791234564', 'unknown'],
    ['4791234565', 'approveSlowly'],
    ['4791234560', 'wait'],
    ['4791234569', 'wait'],
  ])('phone number %s: %s', (phoneNumber, behaviour) => {
    expect(customerBehaviour({ phoneNumber })).toBe(behaviour)
  })

  it('reads the last character of a personal QR or customer token, and waits without a customer', () => {
    // The last character, not the phone number inside: a real QR's "?v=1" means "approves".
    expect(customerBehaviour({ personalQr: 'https://qr.vipps.no/28/2/01/031/4791234562?v=1' })).toBe('approve')
    expect(customerBehaviour({ personalQr: 'https://qr.vipps.no/x/abc' })).toBe('wait')
    expect(customerBehaviour({ customerToken: 'tok-4' })).toBe('unknown')
    expect(customerBehaviour(undefined)).toBe('wait')
  })
})

describe('customerAge', () => {
  it('is the two digits before the last character, else a grown-up', () => {
    expect(customerAge({ phoneNumber: '4790000171' })).toBe(17)
    expect(customerAge({ phoneNumber: '4791234561' })).toBe(56)
    expect(customerAge({ customerToken: 'tok-x' })).toBe(40)
    expect(customerAge(undefined)).toBe(40)
  })
})
