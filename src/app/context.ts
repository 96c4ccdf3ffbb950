import type { Config } from '../config/schema.js'
import type { Secrets } from '../config/secrets.js'
import { createLogger, type Logger, Redactor } from '../log/logger.js'
import { type Clock, createSystemClock } from '../shared/clock.js'
import { FatalReporter } from '../shared/fatal.js'
import type { Component } from '../shared/lifecycle.js'
import type { Db } from '../store/db.js'
import { Journal } from '../store/journal.js'
import { VippsClients, vippsSetupFromConfig } from '../vipps/clients.js'

/** What tests (and only tests) may replace. */
export interface AppOverrides {
  clock?: Clock
  log?: Logger
  redactor?: Redactor
  fetch?: typeof globalThis.fetch
  db?: Db
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
  /** The Vipps clients per sales unit; undefined until the simulator wiring exists (see below). */
  vipps: VippsClients | undefined
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

  // @TODO(integrator): for provider.kind "simulator", build VippsClients with
  // singleUnitSetup('simulator', SIMULATOR_DEMO_CREDENTIALS) and baseUrl () => simulator.baseUrl.
  const vipps =
    config.provider.kind === 'vipps'
      ? new VippsClients({
          setup: vippsSetupFromConfig(config.provider, secrets),
          provider: config.provider,
          baseUrl: () => config.provider.baseUrl,
          fetch: fetchImpl,
          clock,
          log,
        })
      : undefined

  const components: Component[] = [journal, ...(vipps ? [vipps] : [])]

  return {
    config,
    secrets,
    clock,
    log,
    redactor,
    fetch: fetchImpl,
    fatal,
    journal,
    vipps,
    components,
  }
}
