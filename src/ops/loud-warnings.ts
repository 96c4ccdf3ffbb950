import type { Config } from '../config/schema.js'
import { isLoopbackHost } from '../config/security-check.js'
import type { Logger } from '../log/logger.js'
import type { Clock, TimerHandle } from '../shared/clock.js'
import type { Component } from '../shared/lifecycle.js'

/** How often each warning is repeated, so it is in every hour of the log a technician reads. */
export const LOUD_WARNING_INTERVAL_MS = 3_600_000

export interface LoudWarning {
  message: string
  fields: Record<string, unknown>
}

/**
 * Settings that are allowed but must never go unnoticed: the simulator standing in for Vipps (no
 * money moves), plain http to a loopback Vipps, listeners on the LAN without TLS. `doctor` reports
 * the same list.
 */
export function loudWarnings(config: Config): LoudWarning[] {
  const out: LoudWarning[] = []
  const { provider, gateway, admin } = config
  if (provider.kind === 'simulator') {
    out.push({
      message: 'SIMULATOR: provider.kind is "simulator"; no payment reaches Vipps and no money moves',
      fields: { providerKind: 'simulator' },
    })
    return out
  }
  if (new URL(provider.baseUrl).protocol === 'http:') {
    out.push({
      message: 'provider.baseUrl is plain http (allowed only because it is a loopback host: a test setup)',
      fields: { baseUrl: provider.baseUrl },
    })
  }
  if (!isLoopbackHost(gateway.host) && !gateway.tls) {
    out.push({
      message: 'the gateway serves the LAN without TLS (gateway.allowPlainLan): till tokens cross it in clear',
      fields: { host: gateway.host },
    })
  }
  if (admin.enabled && !isLoopbackHost(admin.host) && !admin.tls) {
    out.push({
      message: 'the admin server serves the LAN without TLS (admin.allowPlainLan): its token crosses it in clear',
      fields: { host: admin.host },
    })
  }
  return out
}

/** Logs each loud warning at start and then every hour while the daemon runs. */
export class LoudWarnings implements Component {
  readonly name = 'loud-warnings'
  readonly #warnings: readonly LoudWarning[]
  readonly #clock: Clock
  readonly #log: Logger
  #timer: TimerHandle | undefined

  constructor(warnings: readonly LoudWarning[], clock: Clock, log: Logger) {
    this.#warnings = warnings
    this.#clock = clock
    this.#log = log
  }

  async start(): Promise<void> {
    this.#say()
  }

  async stop(): Promise<void> {
    if (this.#timer) this.#clock.clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #say(): void {
    if (this.#warnings.length === 0) return
    for (const w of this.#warnings) this.#log.warn(w.message, w.fields)
    this.#timer = this.#clock.setTimeout(() => this.#say(), LOUD_WARNING_INTERVAL_MS)
    this.#timer.unref()
  }
}
