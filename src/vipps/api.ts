import type {
  CreatePaymentResponse,
  Customer,
  GetPaymentResponse,
  ModificationResponse,
  PaymentEvent,
  QrExchangeResponse,
  SalesUnit,
  WebhookRegistration,
  WebhookRegistrationRequest,
} from './types.js'

/**
 * A money-moving request as the journal stored it before the first attempt: its idempotency key
 * and the exact body bytes. Every retry, and every retry after a restart, sends these same
 * bytes under this same key, so Vipps can de-duplicate.
 */
export interface StoredRequest {
  idempotencyKey: string
  body: string
}

export interface CallOptions {
  /** Aborts the call (shutdown); the outcome of a sent request is then unknown. */
  signal?: AbortSignal
  /** Overrides provider.deadlineMs for this call, all attempts included. */
  deadlineMs?: number
  /**
   * At most this many HTTP requests for this call, retries and the resend after a token refresh
   * included (Vipps' per-reference limits count requests, not calls).
   */
  maxAttempts?: number
  /** Told of every HTTP request this call sends. */
  onAttempt?: () => void
}

/** The ePayment operations of one sales unit (MSN). Errors are `ProviderError`s. */
export interface EpaymentApi {
  readonly msn: string
  createPayment(request: StoredRequest, options?: CallOptions): Promise<CreatePaymentResponse>
  getPayment(reference: string, options?: CallOptions): Promise<GetPaymentResponse>
  getEvents(reference: string, options?: CallOptions): Promise<PaymentEvent[]>
  capturePayment(reference: string, request: StoredRequest, options?: CallOptions): Promise<ModificationResponse>
  refundPayment(reference: string, request: StoredRequest, options?: CallOptions): Promise<ModificationResponse>
  /** Body `{"cancelTransactionOnly":true|false}`. */
  cancelPayment(reference: string, request: StoredRequest, options?: CallOptions): Promise<ModificationResponse>
  /**
   * QR API: exchanges a scanned personal QR (MobilePay's is a token) for the customer's MSISDN.
   * It moves no money and has no Idempotency-Key: repeating it is safe.
   */
  exchangePersonalQr(qrCode: string, options?: CallOptions): Promise<QrExchangeResponse>
  /** Test environment only; refuses a production base URL. */
  testApprove(reference: string, body: { customer: Customer } | { token: string }, options?: CallOptions): Promise<void>
}

/** Management and Webhooks operations of one sales unit (for doctor and set-up). */
export interface MerchantApi {
  readonly msn: string
  getSalesUnit(options?: CallOptions): Promise<SalesUnit>
  registerWebhook(request: WebhookRegistrationRequest, options?: CallOptions): Promise<{ id: string; secret: string }>
  listWebhooks(options?: CallOptions): Promise<WebhookRegistration[]>
  deleteWebhook(id: string, options?: CallOptions): Promise<void>
}

export type ProviderState = 'ok' | 'degraded' | 'down'

/** How the provider has answered lately; drives the till protocol's `status` frame. */
export interface ProviderHealth {
  readonly state: ProviderState
  readonly detail: string | undefined
  /** Seconds until the current access token expires, per credential set (for /metrics). */
  tokenSecondsLeft(): Record<string, number | undefined>
  onChange(listener: (state: ProviderState, detail: string | undefined) => void): () => void
}

/** The exact body bytes of each modification; the journal stores what these return. */
export const modificationBody = {
  capture: (amount: { currency: string; value: number }) =>
    JSON.stringify({ modificationAmount: { currency: amount.currency, value: amount.value } }),
  refund: (amount: { currency: string; value: number }) =>
    JSON.stringify({ modificationAmount: { currency: amount.currency, value: amount.value } }),
  cancel: (transactionOnly: boolean) => JSON.stringify({ cancelTransactionOnly: transactionOnly }),
}
