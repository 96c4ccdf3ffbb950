import type { Config } from '../config/schema.js'
import type { Secrets } from '../config/secrets.js'
import { createLogger, type Logger, Redactor } from '../log/logger.js'
import type { PaymentsEngine } from '../payments/engine.js'
import { createPayments } from '../payments/wiring.js'
import { type Clock, createSystemClock } from '../shared/clock.js'
import { TillbridgeError } from '../shared/errors.js'
import { FatalReporter } from '../shared/fatal.js'
import type { Component } from '../shared/lifecycle.js'
import type { Db } from '../store/db.js'
import { Journal } from '../store/journal.js'
import type { EpaymentApi } from '../vipps/api.js'
import { ProviderError } from '../vipps/errors.js'

/** What tests (and only tests) may replace. */
export interface AppOverrides {
  clock?: Clock
  log?: Logger
  redactor?: Redactor
  fetch?: typeof globalThis.fetch
  db?: Db
  /** The ePayment client per sales unit (tests pass a fake or a client of their own simulator). */
  providerFor?: (msn: string) => EpaymentApi
}

/** Every dependency of the daemon, built in one place. */
export interface AppContext {
  config: Config
  secrets: Secrets
  clock: Clock
  log: Logger
  redactor: Redactor
  fetch: typeof globalThis.fetch
  fatal: FatalReporter
  journal: Journal
  payments: PaymentsEngine
  /** In start order; stopped in reverse. */
  components: Component[]
}

/**
 * The composition root. Nothing here does I/O: components open files and sockets in start().
 */
export function createContext(config: Config, secrets: Secrets, overrides: AppOverrides = {}): AppContext {
  const redactor = overrides.redactor ?? new Redactor()
  redactor.addSecrets(secrets.values)
  const log = overrides.log ?? createLogger({ level: config.logging.level, redactor })
  const clock = overrides.clock ?? createSystemClock()
  const fetchImpl = overrides.fetch ?? globalThis.fetch
  const fatal = new FatalReporter()

  const journal = new Journal({
    path: config.journal.path,
    busyTimeoutMs: config.journal.busyTimeoutMs,
    clock,
    log: log.child({ subsystem: 'journal' }),
    fatal,
    ...(overrides.db ? { db: overrides.db } : {}),
  })

  // @NOTE for the integrator: until the Vipps client registry (branch vipps) and the simulator
  // (branch sim) are on main, the engine has no provider: every call fails as unavailable, so
  // payments are accepted and then expire unsent. Wire `providerFor` to the registry's
  // EpaymentApi per MSN, and `fallbackMsn` to SIMULATOR_DEMO_CREDENTIALS.msn.
  const providerFor = overrides.providerFor ?? noProvider
  const payments = createPayments({ config, journal, clock, log, fatal, providerFor, fallbackMsn: '123456' })

  const components: Component[] = [journal, payments.engine, payments.worker, payments.reaper]

  return {
    config,
    secrets,
    clock,
    log,
    redactor,
    fetch: fetchImpl,
    fatal,
    journal,
    payments: payments.engine,
    components,
  }
}

function noProvider(msn: string): EpaymentApi {
  const fail = () => Promise.reject(new ProviderError('PROVIDER_UNAVAILABLE', `no Vipps client for MSN ${msn}`))
  return {
    msn,
    createPayment: fail,
    getPayment: fail,
    getEvents: fail,
    capturePayment: fail,
    refundPayment: fail,
    cancelPayment: fail,
    testApprove: () => Promise.reject(new TillbridgeError('INTERNAL', 'no Vipps client')),
  }
}
