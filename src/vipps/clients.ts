import type { Config } from '../config/schema.js'
import type { Secrets, VippsCredentials } from '../config/secrets.js'
import type { Logger } from '../log/logger.js'
import type { Clock } from '../shared/clock.js'
import { TillbridgeError } from '../shared/errors.js'
import type { Component } from '../shared/lifecycle.js'
import type { EpaymentApi, MerchantApi, ProviderHealth } from './api.js'
import type { BackoffPolicy } from './backoff.js'
import { EpaymentClient } from './epayment.js'
import { HealthTracker } from './health.js'
import { VippsHttp } from './http.js'
import { MerchantClient } from './merchant.js'
import { TokenManager } from './token-manager.js'

export interface CredentialSetSetup {
  name: string
  /** Partner keys: one token serves every sales unit, which is named by the MSN header. */
  partner: boolean
  credentials: VippsCredentials
}

/** Which sales units the daemon serves and with which keys. */
export interface VippsSetup {
  credentialSets: CredentialSetSetup[]
  salesUnits: Array<{ msn: string; credentialSet: string }>
}

export interface VippsClientsOptions {
  setup: VippsSetup
  provider: Pick<
    Config['provider'],
    'system' | 'attemptTimeoutMs' | 'deadlineMs' | 'retries' | 'minRetryDelayMs' | 'maxRetryDelayMs'
  >
  /** Read on every request: the embedded simulator's port is known only after it started. */
  baseUrl: () => string
  fetch: typeof globalThis.fetch
  clock: Clock
  log: Logger
  random?: () => number
  tokenBackoff?: BackoffPolicy
  /** Told of every finished API call (for metrics). */
  onCall?: (operation: string, outcome: string, seconds: number) => void
}

interface SalesUnitClients {
  epayment: EpaymentClient
  merchant: MerchantClient
}

/**
 * The Vipps clients of one daemon: an EpaymentApi and a MerchantApi per sales unit (MSN), one
 * token manager per credential set, one health for all. As a component it starts and stops the
 * token managers' timers.
 */
export class VippsClients implements Component {
  readonly name = 'vipps'
  readonly #health = new HealthTracker()
  readonly #tokens: TokenManager[] = []
  readonly #tokensBySet = new Map<string, TokenManager>()
  readonly #units = new Map<string, SalesUnitClients>()

  constructor(options: VippsClientsOptions) {
    const { setup, provider, clock, fetch, baseUrl } = options
    const log = options.log
    for (const set of setup.credentialSets) {
      const units = setup.salesUnits.filter((u) => u.credentialSet === set.name)
      // Merchant keys belong to one sales unit; name it on the token request when it is unambiguous.
      const msn = !set.partner && units.length === 1 ? units[0]?.msn : undefined
      const manager = new TokenManager({
        name: set.name,
        credentials: set.credentials,
        ...(msn ? { msn } : {}),
        baseUrl,
        system: provider.system,
        fetch,
        clock,
        log: log.child({ subsystem: 'vipps-token' }),
        health: this.#health,
        attemptTimeoutMs: provider.attemptTimeoutMs,
        ...(options.tokenBackoff ? { backoff: options.tokenBackoff } : {}),
        ...(options.random ? { random: options.random } : {}),
      })
      this.#tokens.push(manager)
      this.#tokensBySet.set(set.name, manager)
      this.#health.addTokenSource(set.name, () => manager.secondsLeft())
    }
    for (const unit of setup.salesUnits) {
      const tokens = this.#tokensBySet.get(unit.credentialSet)
      const set = setup.credentialSets.find((s) => s.name === unit.credentialSet)
      if (!tokens || !set) {
        throw new TillbridgeError('CONFIG_INVALID', `sales unit ${unit.msn}: no credential set "${unit.credentialSet}"`)
      }
      const http = new VippsHttp({
        msn: unit.msn,
        subscriptionKey: set.credentials.subscriptionKey,
        tokens,
        baseUrl,
        system: provider.system,
        fetch,
        clock,
        log: log.child({ subsystem: 'vipps' }),
        health: this.#health,
        policy: {
          attemptTimeoutMs: provider.attemptTimeoutMs,
          deadlineMs: provider.deadlineMs,
          retries: provider.retries,
          minDelayMs: provider.minRetryDelayMs,
          maxDelayMs: provider.maxRetryDelayMs,
        },
        ...(options.random ? { random: options.random } : {}),
        ...(options.onCall ? { onCall: options.onCall } : {}),
      })
      this.#units.set(unit.msn, { epayment: new EpaymentClient(http), merchant: new MerchantClient(http) })
    }
  }

  get health(): ProviderHealth {
    return this.#health
  }

  /** Every MSN served, in configuration order. */
  msns(): string[] {
    return [...this.#units.keys()]
  }

  /** Every credential set's name, in configuration order. */
  credentialSets(): string[] {
    return [...this.#tokensBySet.keys()]
  }

  /**
   * Makes sure a credential set can get an access token (for `doctor`); the token itself is
   * never handed out. Rejects with the token manager's ProviderError.
   */
  async checkToken(credentialSet: string, signal?: AbortSignal): Promise<void> {
    const manager = this.#tokensBySet.get(credentialSet)
    if (!manager) throw new TillbridgeError('CONFIG_INVALID', `no credential set named "${credentialSet}"`)
    await manager.getToken(signal)
  }

  epayment(msn: string): EpaymentApi {
    return this.#unit(msn).epayment
  }

  merchant(msn: string): MerchantApi {
    return this.#unit(msn).merchant
  }

  async start(): Promise<void> {
    for (const manager of this.#tokens) await manager.start()
  }

  async stop(): Promise<void> {
    await Promise.all(this.#tokens.map((m) => m.stop()))
  }

  #unit(msn: string): SalesUnitClients {
    const unit = this.#units.get(msn)
    if (!unit) throw new TillbridgeError('CONFIG_INVALID', `no sales unit with MSN ${msn} is configured`)
    return unit
  }
}

/** The setup named by `provider.credentialSets` / `provider.salesUnits` and their secrets. */
export function vippsSetupFromConfig(
  provider: Config['provider'],
  secrets: Pick<Secrets, 'credentialSets'>,
): VippsSetup {
  return {
    credentialSets: provider.credentialSets.map((set) => {
      const credentials = secrets.credentialSets.get(set.name)
      if (!credentials) throw new TillbridgeError('SECRET_UNREADABLE', `no secrets for credential set "${set.name}"`)
      return { name: set.name, partner: set.partner, credentials }
    }),
    salesUnits: provider.salesUnits.map((u) => ({ msn: u.msn, credentialSet: u.credentialSet })),
  }
}

/** One merchant key set serving one sales unit, e.g. the simulator's demo credentials. */
export function singleUnitSetup(name: string, unit: VippsCredentials & { msn: string }): VippsSetup {
  const { msn, ...credentials } = unit
  return { credentialSets: [{ name, partner: false, credentials }], salesUnits: [{ msn, credentialSet: name }] }
}
