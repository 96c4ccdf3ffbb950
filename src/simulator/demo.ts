import type { Currency } from '../vipps/types.js'

/**
 * The keys the simulator accepts out of the box. They are not secrets: the default config of the
 * daemon uses them, and `tillbridge simulator` prints them so till developers can call it.
 */
export const SIMULATOR_DEMO_CREDENTIALS = Object.freeze({
  clientId: '7c0c5a3e-1d2b-4f6a-9e8d-5b4a3c2d1e0f',
  clientSecret: 'tillbridge-simulator-demo-client-secret',
  subscriptionKey: 'tillbridge-simulator-demo-subscription-key',
  msn: '123456',
})

/** One API key set; a set that reaches several sales units acts like partner keys. */
export interface SimCredentialSet {
  clientId: string
  clientSecret: string
  subscriptionKey: string
  /** Sales units these keys may act for. */
  msns: string[]
}

export type CaptureType = 'ReserveCapture' | 'DirectCapture' | 'NotApplicable'

/** A sales unit as the simulator knows it: what Management shows and what ePayment enforces. */
export interface SimSalesUnit {
  msn: string
  name: string
  /** The unit's market; a payment in another currency is refused (5040). */
  currency: Currency
  paymentAllowed: boolean
  /** Needed for `userFlow: PUSH_MESSAGE` (else 5080). */
  skipLandingPageAllowed: boolean
  captureType: CaptureType
  recurringAllowed: boolean
  /** Needed for `expiresAt` (else 5050). */
  longLivingPaymentAllowed: boolean
  /** False: a capture of less than what is reserved gets 6140. Unset means allowed. */
  partialCaptureAllowed?: boolean
  businessIdentifier: { scheme: string; id: string }
}

export function demoCredentialSet(): SimCredentialSet {
  const { clientId, clientSecret, subscriptionKey, msn } = SIMULATOR_DEMO_CREDENTIALS
  return { clientId, clientSecret, subscriptionKey, msns: [msn] }
}

/** A Norwegian unit approved for everything an in-store till needs. */
export function defaultSalesUnit(msn: string = SIMULATOR_DEMO_CREDENTIALS.msn): SimSalesUnit {
  return {
    msn,
    name: `Simulated store ${msn}`,
    currency: 'NOK',
    paymentAllowed: true,
    skipLandingPageAllowed: true,
    captureType: 'ReserveCapture',
    recurringAllowed: false,
    longLivingPaymentAllowed: false,
    businessIdentifier: { scheme: 'business:NO:ORG', id: '999999999' },
  }
}
