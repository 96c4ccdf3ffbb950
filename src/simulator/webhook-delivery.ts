import type { Logger } from '../log/logger.js'
import type { PaymentEvent, WebhookEvent } from '../vipps/types.js'
import type { SimPayment } from './ledger.js'
import type { SimClock } from './sim-clock.js'
import { eventTypeFor, type Registration, type WebhookRegistry } from './webhook-registry.js'
import { signWebhook } from './webhook-signature.js'

/** Retry delays after a failed attempt (about 2 s four times, then minutes, then hourly). */
const RETRY_DELAYS_MS = [2000, 2000, 2000, 2000, 60_000, 120_000]
const HOURLY_MS = 3_600_000
/** Vipps gives up after about 7 days. */
const GIVE_UP_AFTER_MS = 7 * 86_400_000
/** `GET /_sim/webhooks` shows this many deliveries, the newest. */
const DELIVERY_LOG_LIMIT = 1000
/** No answer within 10 s counts as a failure. */
const ATTEMPT_TIMEOUT_MS = 10_000

export interface Delivery {
  registrationId: string
  url: string
  msn: string
  reference: string
  name: PaymentEvent['name']
  pspReference: string
  status: 'pending' | 'delivered' | 'failed'
  attempts: number
  lastStatus: number | null
  lastError: string | null
  /** The exact body sent. */
  body: string
  firstAttemptAt: number | null
}

export interface WebhookDeliveryDeps {
  clock: SimClock
  fetch: typeof globalThis.fetch
  registry: WebhookRegistry
  log: Logger
}

/**
 * Signed deliveries of payment events to registered URLs. Order is kept per registration and
 * payment: a later event waits until the earlier one was accepted (or given up on), as at Vipps.
 * Any answer but 2xx, and no answer within 10 s, is retried with backoff on the simulator clock.
 */
export class WebhookDelivery {
  readonly #deps: WebhookDeliveryDeps
  readonly #queues = new Map<string, Delivery[]>()
  readonly #busy = new Set<string>()
  readonly #log: Delivery[] = []
  #stopping = new AbortController()

  constructor(deps: WebhookDeliveryDeps) {
    this.#deps = deps
  }

  /** Queues the event for every registration that wants it. */
  enqueue(payment: SimPayment, event: PaymentEvent): void {
    const body: WebhookEvent = {
      msn: payment.msn,
      reference: event.reference,
      pspReference: event.pspReference,
      name: event.name,
      amount: { ...event.amount },
      timestamp: event.timestamp,
      idempotencyKey: event.idempotencyKey ?? null,
      success: event.success,
    }
    for (const registration of this.#deps.registry.matching(payment.msn, eventTypeFor(event.name))) {
      const delivery: Delivery = {
        registrationId: registration.id,
        url: registration.url,
        msn: payment.msn,
        reference: event.reference,
        name: event.name,
        pspReference: event.pspReference,
        status: 'pending',
        attempts: 0,
        lastStatus: null,
        lastError: null,
        body: JSON.stringify(body),
        firstAttemptAt: null,
      }
      this.#log.push(delivery)
      if (this.#log.length > DELIVERY_LOG_LIMIT) this.#log.splice(0, this.#log.length - DELIVERY_LOG_LIMIT)
      const queueKey = `${registration.id}/${payment.msn}/${payment.reference}`
      this.#queues.set(queueKey, [...(this.#queues.get(queueKey) ?? []), delivery])
      if (!this.#busy.has(queueKey)) void this.#drain(queueKey, registration)
    }
  }

  deliveries(): Delivery[] {
    return this.#log.map((d) => ({ ...d }))
  }

  start(): void {
    this.#stopping = new AbortController()
  }

  /** Aborts attempts in flight; retry timers die with the simulator clock. */
  stop(): void {
    this.#stopping.abort()
    this.#queues.clear()
    this.#busy.clear()
  }

  async #drain(queueKey: string, registration: Registration): Promise<void> {
    this.#busy.add(queueKey)
    try {
      for (;;) {
        const next = this.#queues.get(queueKey)?.[0]
        if (!next || this.#stopping.signal.aborted) return
        const done = await this.#attempt(next, registration)
        if (!done) {
          const delay = this.#retryDelay(next)
          if (delay === undefined) {
            next.status = 'failed'
          } else {
            await this.#deps.clock.sleep(delay, this.#stopping.signal).catch(() => {})
            continue
          }
        }
        this.#queues.get(queueKey)?.shift()
      }
    } finally {
      this.#busy.delete(queueKey)
    }
  }

  /** One attempt; true when the receiver accepted it. */
  async #attempt(delivery: Delivery, registration: Registration): Promise<boolean> {
    const { clock, fetch: fetchImpl, log } = this.#deps
    delivery.attempts += 1
    delivery.firstAttemptAt ??= clock.monotonic()
    const signed = signWebhook(
      registration.url,
      delivery.body,
      new Date(clock.now()).toUTCString(),
      registration.secret,
    )
    // AbortSignal.any is newer than Node 20.0, so one controller takes both reasons to give up.
    const attempt = new AbortController()
    const onStop = () => attempt.abort(this.#stopping.signal.reason)
    this.#stopping.signal.addEventListener('abort', onStop, { once: true })
    const timer = clock.setTimeout(() => attempt.abort(new Error('no answer within 10 s')), ATTEMPT_TIMEOUT_MS)
    try {
      const response = await fetchImpl(registration.url, {
        method: 'POST',
        headers: { ...signed, 'content-type': 'application/json' },
        body: delivery.body,
        redirect: 'manual',
        signal: attempt.signal,
      })
      await response.arrayBuffer().catch(() => undefined)
      delivery.lastStatus = response.status
      delivery.lastError = null
      if (response.status >= 200 && response.status < 300) {
        delivery.status = 'delivered'
        return true
      }
    } catch (err) {
      delivery.lastStatus = null
      delivery.lastError = (err as Error).message
    } finally {
      clock.clearTimeout(timer)
      this.#stopping.signal.removeEventListener('abort', onStop)
    }
    log.debug('webhook delivery failed', {
      registrationId: delivery.registrationId,
      reference: delivery.reference,
      event: delivery.name,
      attempts: delivery.attempts,
      lastStatus: delivery.lastStatus,
    })
    return false
  }

  #retryDelay(delivery: Delivery): number | undefined {
    const delay = RETRY_DELAYS_MS[delivery.attempts - 1] ?? HOURLY_MS
    const elapsed = this.#deps.clock.monotonic() - (delivery.firstAttemptAt ?? 0)
    return elapsed + delay > GIVE_UP_AFTER_MS ? undefined : delay
  }
}
