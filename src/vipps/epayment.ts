import type { CallOptions, EpaymentApi, StoredRequest } from './api.js'
import { ProviderError } from './errors.js'
import type { VippsHttp } from './http.js'
import type {
  CreatePaymentResponse,
  Customer,
  GetPaymentResponse,
  ModificationResponse,
  PaymentEvent,
  QrExchangeResponse,
} from './types.js'

const REFERENCE = /^[a-zA-Z0-9-]{8,50}$/
const MAX_IDEMPOTENCY_KEY = 50
const PRODUCTION_HOST = 'api.vipps.no'

/**
 * The ePayment v1 operations of one sales unit. Money-moving calls send the journal's stored
 * key and bytes unchanged; nothing here invents a key or re-serialises a body.
 */
export class EpaymentClient implements EpaymentApi {
  readonly #http: VippsHttp

  constructor(http: VippsHttp) {
    this.#http = http
  }

  get msn(): string {
    return this.#http.msn
  }

  async createPayment(request: StoredRequest, options?: CallOptions): Promise<CreatePaymentResponse> {
    checkKey(request.idempotencyKey, 'createPayment')
    const answer = await this.#http.request(
      {
        operation: 'createPayment',
        method: 'POST',
        path: '/epayment/v1/payments',
        body: request.body,
        idempotencyKey: request.idempotencyKey,
        idempotent: true,
      },
      options,
    )
    return answer.body as CreatePaymentResponse
  }

  async getPayment(reference: string, options?: CallOptions): Promise<GetPaymentResponse> {
    const answer = await this.#http.request(
      { operation: 'getPayment', method: 'GET', path: paymentPath(reference, 'getPayment'), idempotent: true },
      options,
    )
    return answer.body as GetPaymentResponse
  }

  async getEvents(reference: string, options?: CallOptions): Promise<PaymentEvent[]> {
    const answer = await this.#http.request(
      {
        operation: 'getEvents',
        method: 'GET',
        path: `${paymentPath(reference, 'getEvents')}/events`,
        idempotent: true,
      },
      options,
    )
    return (answer.body ?? []) as PaymentEvent[]
  }

  capturePayment(reference: string, request: StoredRequest, options?: CallOptions): Promise<ModificationResponse> {
    return this.#modify('capturePayment', 'capture', reference, request, options)
  }

  refundPayment(reference: string, request: StoredRequest, options?: CallOptions): Promise<ModificationResponse> {
    return this.#modify('refundPayment', 'refund', reference, request, options)
  }

  cancelPayment(reference: string, request: StoredRequest, options?: CallOptions): Promise<ModificationResponse> {
    return this.#modify('cancelPayment', 'cancel', reference, request, options)
  }

  async exchangePersonalQr(qrCode: string, options?: CallOptions): Promise<QrExchangeResponse> {
    const answer = await this.#http.request(
      {
        operation: 'exchangeQr',
        method: 'POST',
        path: '/qr/v1/exchange',
        body: JSON.stringify({ qrCode, requestedData: ['MSISDN'] }),
        // A read: asking twice cannot do anything twice.
        idempotent: true,
      },
      options,
    )
    return answer.body as QrExchangeResponse
  }

  async testApprove(
    reference: string,
    body: { customer: Customer } | { token: string },
    options?: CallOptions,
  ): Promise<void> {
    if (isProduction(this.#http.baseUrl())) {
      throw new ProviderError('PROVIDER_REJECTED', 'testApprove refused: the base URL is production', {
        operation: 'testApprove',
      })
    }
    await this.#http.request(
      {
        operation: 'testApprove',
        method: 'POST',
        path: `/epayment/v1/test/payments/${checkReference(reference, 'testApprove')}/approve`,
        body: JSON.stringify(body),
        // No Idempotency-Key in the spec: retried only when it certainly did not happen.
        idempotent: false,
      },
      options,
    )
  }

  async #modify(
    operation: string,
    action: 'capture' | 'refund' | 'cancel',
    reference: string,
    request: StoredRequest,
    options: CallOptions | undefined,
  ): Promise<ModificationResponse> {
    checkKey(request.idempotencyKey, operation)
    const answer = await this.#http.request(
      {
        operation,
        method: 'POST',
        path: `${paymentPath(reference, operation)}/${action}`,
        body: request.body,
        idempotencyKey: request.idempotencyKey,
        idempotent: true,
      },
      options,
    )
    return answer.body as ModificationResponse
  }
}

function paymentPath(reference: string, operation: string): string {
  return `/epayment/v1/payments/${checkReference(reference, operation)}`
}

/** A bad reference is our bug, refused before anything is sent (and before it reaches a URL). */
function checkReference(reference: string, operation: string): string {
  if (!REFERENCE.test(reference)) {
    throw new ProviderError('PROVIDER_REJECTED', `${operation}: reference must match ${REFERENCE.source}`, {
      operation,
    })
  }
  return reference
}

function checkKey(key: string, operation: string): void {
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY || !/^[\x21-\x7e]+$/.test(key)) {
    throw new ProviderError(
      'PROVIDER_REJECTED',
      `${operation}: Idempotency-Key must be 1–${MAX_IDEMPOTENCY_KEY} visible ASCII characters`,
      { operation },
    )
  }
}

export function isProduction(baseUrl: string): boolean {
  try {
    return new URL(baseUrl).hostname.toLowerCase().replace(/\.$/, '') === PRODUCTION_HOST
  } catch {
    return false
  }
}
