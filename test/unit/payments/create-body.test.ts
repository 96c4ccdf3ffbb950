import { describe, expect, it } from 'vitest'
import { createPaymentBody } from '../../../src/payments/create-body.js'

describe('create body', () => {
  it('asks for an in-store WALLET push payment to the named customer', () => {
    const body = JSON.parse(
      createPaymentBody('tb-abcdef-1', {
        key: 'k',
        amount: { value: 12550, currency: 'NOK' },
        flow: 'push',
        customer: { phoneNumber: '4791234561' },
        description: 'Kvittering 123',
        capture: 'auto',
        metadata: { basket: '123' },
      }),
    )
    expect(body).toEqual({
      amount: { currency: 'NOK', value: 12550 },
      paymentMethod: { type: 'WALLET' },
      reference: 'tb-abcdef-1',
      userFlow: 'PUSH_MESSAGE',
      customerInteraction: 'CUSTOMER_PRESENT',
      customer: { phoneNumber: '4791234561' },
      paymentDescription: 'Kvittering 123',
      metadata: { basket: '123' },
    })
  })

  it('asks for the QR target URL, with no customer, for the qr flow', () => {
    const body = JSON.parse(
      createPaymentBody('tb-abcdef-2', {
        key: 'k',
        amount: { value: 100, currency: 'DKK' },
        flow: 'qr',
        capture: 'manual',
      }),
    )
    expect(body).toEqual({
      amount: { currency: 'DKK', value: 100 },
      paymentMethod: { type: 'WALLET' },
      reference: 'tb-abcdef-2',
      userFlow: 'QR',
      customerInteraction: 'CUSTOMER_PRESENT',
      qrFormat: { format: 'TEXT/TARGETURL' },
    })
  })
})
