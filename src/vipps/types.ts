/**
 * Plain types of the Vipps MobilePay APIs tillbridge uses (ePayment v1, Access Token,
 * Management v1, Webhooks v1), written from research/vipps-api.md and the official OpenAPI
 * files. Types only: the simulator may import this file, nothing else of src/vipps.
 */

export type Currency = 'NOK' | 'DKK' | 'EUR'

/** Minor units (øre, cent); always an integer. */
export interface Amount {
  currency: Currency
  value: number
}

export type PaymentState = 'CREATED' | 'AUTHORIZED' | 'ABORTED' | 'EXPIRED' | 'TERMINATED'

export type PaymentEventName =
  | 'CREATED'
  | 'ABORTED'
  | 'EXPIRED'
  | 'CANCELLED'
  | 'CAPTURED'
  | 'REFUNDED'
  | 'AUTHORIZED'
  | 'TERMINATED'

export type UserFlow = 'PUSH_MESSAGE' | 'QR' | 'WEB_REDIRECT' | 'NATIVE_REDIRECT'

/** Exactly one identifier. */
export type Customer = { phoneNumber: string } | { personalQr: string } | { customerToken: string }

export interface CreatePaymentRequest {
  amount: Amount
  paymentMethod: { type: 'WALLET' | 'CARD' }
  reference: string
  userFlow: UserFlow
  customer?: Customer
  customerInteraction?: 'CUSTOMER_PRESENT' | 'CUSTOMER_NOT_PRESENT'
  paymentDescription?: string
  qrFormat?: { format: 'IMAGE/SVG+XML' | 'IMAGE/PNG' | 'TEXT/TARGETURL'; size?: number }
  returnUrl?: string
  receipt?: Receipt
  metadata?: Record<string, string>
  /** Newer than ePayment 1.4.1 (technical update Nov 2024): years. */
  minimumUserAge?: number
}

/** Order Management receipt (order-management-2.3.24.yaml, `Receipt`). */
export interface Receipt {
  orderLines: Array<Record<string, unknown>>
  bottomLine: { currency: Currency } & Record<string, unknown>
}

/** QR API `POST /qr/v1/exchange` (qr-v1.yaml, QrExchangeResponse). */
export interface QrExchangeResponse {
  msisdn: string
  /** Seconds since the epoch when the code was made (version 2.0 codes only). */
  timestamp?: number
  version: string
}

export interface CreatePaymentResponse {
  reference: string
  redirectUrl?: string
}

export interface Aggregate {
  authorizedAmount: Amount
  cancelledAmount: Amount
  capturedAmount: Amount
  refundedAmount: Amount
}

export interface GetPaymentResponse {
  aggregate: Aggregate
  amount: Amount
  state: PaymentState
  paymentMethod: { type: 'WALLET' | 'CARD'; cardBin?: string }
  profile: { sub?: string }
  pspReference: string
  reference: string
  redirectUrl?: string
  metadata?: Record<string, string>
}

export interface PaymentEvent {
  reference: string
  pspReference: string
  name: PaymentEventName
  amount: Amount
  timestamp: string
  idempotencyKey?: string | null
  success: boolean
}

export interface ModificationResponse {
  amount: Amount
  state: PaymentState
  aggregate: Aggregate
  pspReference: string
  reference: string
}

/** `application/problem+json`; the numeric Vipps code is in extraDetails (name "ErrorCode"). */
export interface Problem {
  type: string
  title: string
  status: number
  traceId: string
  detail?: string
  instance?: string
  extraDetails?: Array<{ name: string; reason: string }>
}

/** POST /accesstoken/get answer: every number is a string. */
export interface AccessTokenResponse {
  token_type: string
  expires_in: string
  ext_expires_in: string
  expires_on: string
  not_before: string
  resource: string
  access_token: string
}

export interface SalesUnit {
  msn: string
  name: string
  businessIdentifier?: { scheme: string; id: string }
  configuration: {
    paymentAllowed: boolean
    captureType: 'ReserveCapture' | 'DirectCapture' | 'NotApplicable'
    skipLandingPageAllowed: boolean
    recurringAllowed: boolean
  }
}

export interface WebhookRegistrationRequest {
  url: string
  events: string[]
}

export interface WebhookRegistration {
  id: string
  url: string
  events: string[]
}

/** Body of an ePayment webhook delivery (`WebhookEvent`). */
export interface WebhookEvent {
  msn: string
  reference: string
  pspReference: string
  name: PaymentEventName
  amount: Amount
  timestamp: string
  idempotencyKey: string | null
  success: boolean
}
