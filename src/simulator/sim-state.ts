import type { Logger } from '../log/logger.js'
import type { AccessTokens } from './access-tokens.js'
import type { SimCredentialSet, SimSalesUnit } from './demo.js'
import type { Faults } from './faults.js'
import type { IdempotencyStore } from './idempotency.js'
import type { Ledger } from './ledger.js'
import type { ResolvedOptions } from './options.js'
import type { PaymentLife } from './payment-life.js'
import type { PersonalQrCodes } from './personal-qr.js'
import type { Prng } from './prng.js'
import type { RateLimiter } from './rate-limit.js'
import type { Refusals } from './refusals.js'
import type { RequestLog } from './request-log.js'
import type { SimClock } from './sim-clock.js'
import type { WebhookDelivery } from './webhook-delivery.js'
import type { WebhookRegistry } from './webhook-registry.js'

/** Everything the route handlers share: one per simulator instance, never a module singleton. */
export interface SimState {
  options: ResolvedOptions
  log: Logger
  clock: SimClock
  /** Seeded ids: pspReferences, trace ids, payment tokens. */
  ids: Prng
  tokens: AccessTokens
  ledger: Ledger
  life: PaymentLife
  idempotency: IdempotencyStore
  rateLimiter: RateLimiter
  salesUnits: Map<string, SimSalesUnit>
  credentials: SimCredentialSet[]
  webhooks: WebhookRegistry
  deliveries: WebhookDelivery
  faults: Faults
  /** Refusals scripted through POST /_sim/refusals. */
  refusals: Refusals
  requests: RequestLog
  /** Customers' personal QR codes, for the QR API's exchange. */
  personalQrs: PersonalQrCodes
  /** The simulator's own URL, valid once it listens. */
  baseUrl: () => string
}
