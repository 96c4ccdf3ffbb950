import type { CallOptions, MerchantApi } from './api.js'
import { ProviderError } from './errors.js'
import type { VippsHttp } from './http.js'
import type { SalesUnit, WebhookRegistration, WebhookRegistrationRequest } from './types.js'

/** Management v1 and Webhooks v1 for one sales unit: for `doctor` and set-up, not for payments. */
export class MerchantClient implements MerchantApi {
  readonly #http: VippsHttp

  constructor(http: VippsHttp) {
    this.#http = http
  }

  get msn(): string {
    return this.#http.msn
  }

  async getSalesUnit(options?: CallOptions): Promise<SalesUnit> {
    const answer = await this.#http.request(
      {
        operation: 'getSalesUnit',
        method: 'GET',
        path: `/management/v1/sales-units/${encodeURIComponent(this.msn)}`,
        idempotent: true,
      },
      options,
    )
    return answer.body as SalesUnit
  }

  /** The answer's `secret` is shown only now; the caller must store it (it signs deliveries). */
  async registerWebhook(
    request: WebhookRegistrationRequest,
    options?: CallOptions,
  ): Promise<{ id: string; secret: string }> {
    const answer = await this.#http.request(
      {
        operation: 'registerWebhook',
        method: 'POST',
        path: '/webhooks/v1/webhooks',
        body: JSON.stringify({ url: request.url, events: request.events }),
        // No Idempotency-Key here: a blind retry could register twice.
        idempotent: false,
      },
      options,
    )
    return answer.body as { id: string; secret: string }
  }

  async listWebhooks(options?: CallOptions): Promise<WebhookRegistration[]> {
    const answer = await this.#http.request(
      { operation: 'listWebhooks', method: 'GET', path: '/webhooks/v1/webhooks', idempotent: true },
      options,
    )
    return (answer.body as { webhooks?: WebhookRegistration[] } | undefined)?.webhooks ?? []
  }

  /** Deleting a registration that is already gone succeeds: the wanted state is reached. */
  async deleteWebhook(id: string, options?: CallOptions): Promise<void> {
    try {
      await this.#http.request(
        {
          operation: 'deleteWebhook',
          method: 'DELETE',
          path: `/webhooks/v1/webhooks/${encodeURIComponent(id)}`,
          idempotent: true,
        },
        options,
      )
    } catch (err) {
      if (err instanceof ProviderError && err.code === 'PROVIDER_NOT_FOUND') return
      throw err
    }
  }
}
