import { randomBytes, randomUUID } from 'node:crypto'
import type { PaymentEventName } from '../vipps/types.js'
import { problems } from './problem.js'

/** The ePayment webhook event types, one per event name. */
export const EPAYMENT_EVENT_TYPES = [
  'CREATED',
  'ABORTED',
  'EXPIRED',
  'CANCELLED',
  'CAPTURED',
  'REFUNDED',
  'AUTHORIZED',
  'TERMINATED',
].map((name) => eventTypeFor(name as PaymentEventName))

/** Accepted at registration, though the simulator never fires it (no static QR check-in). */
const OTHER_EVENT_TYPES = ['user.checked-in.v1']

/** Registrations per event type and sales unit (current Vipps docs; the 2023 spec said 5). */
export const MAX_PER_EVENT = 25

export interface Registration {
  id: string
  url: string
  events: string[]
  secret: string
  /** The subscription key that registered it; only that key lists or deletes it. */
  owner: string
  /** Sales units whose events it receives. */
  msns: string[]
}

export function eventTypeFor(name: PaymentEventName): string {
  return `epayments.payment.${name.toLowerCase()}.v1`
}

/**
 * Webhooks v1 registrations. Real Vipps only calls world-reachable https URLs; the simulator
 * also calls plain http on loopback, so tests and till developers can receive deliveries.
 */
export class WebhookRegistry {
  #registrations: Registration[] = []

  register(owner: string, msns: string[], url: string, events: string[]): Registration {
    checkUrl(url)
    const unknown = events.filter((e) => !EPAYMENT_EVENT_TYPES.includes(e) && !OTHER_EVENT_TYPES.includes(e))
    if (unknown.length > 0) {
      throw problems.badRequest(
        'Unknown event type',
        unknown.map((e) => ({ name: 'events', reason: `unknown event type ${e}` })),
      )
    }
    for (const event of events) {
      const count = this.#registrations.filter(
        (r) => r.events.includes(event) && r.msns.some((m) => msns.includes(m)),
      ).length
      if (count >= MAX_PER_EVENT) {
        throw problems.badRequest(`At most ${MAX_PER_EVENT} webhooks per event`, [
          { name: 'events', reason: `${event} already has ${count} webhooks` },
        ])
      }
    }
    const registration: Registration = {
      id: randomUUID(),
      url,
      events: [...new Set(events)],
      secret: randomBytes(48).toString('base64'),
      owner,
      msns: [...msns],
    }
    this.#registrations.push(registration)
    return registration
  }

  list(owner: string, msns: string[]): Registration[] {
    return this.#registrations.filter((r) => r.owner === owner && r.msns.some((m) => msns.includes(m)))
  }

  delete(owner: string, id: string): boolean {
    const before = this.#registrations.length
    this.#registrations = this.#registrations.filter((r) => !(r.id === id && r.owner === owner))
    return this.#registrations.length < before
  }

  /** Registrations that want this event of this sales unit. */
  matching(msn: string, eventType: string): Registration[] {
    return this.#registrations.filter((r) => r.msns.includes(msn) && r.events.includes(eventType))
  }

  all(): Registration[] {
    return [...this.#registrations]
  }
}

function checkUrl(url: string): void {
  const parsed = URL.canParse(url) ? new URL(url) : undefined
  const loopback = parsed && ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname)
  const ok = parsed && (parsed.protocol === 'https:' || (parsed.protocol === 'http:' && loopback))
  if (!ok) {
    throw problems.badRequest('The webhook URL must use https (the simulator also allows http on loopback)', [
      { name: 'url', reason: 'must be an https URL' },
    ])
  }
}
