import type { Logger } from '../log/logger.js'
import type { Clock, TimerHandle } from '../shared/clock.js'
import type { Component } from '../shared/lifecycle.js'
import { type Notifier, watchdogIntervalMs } from './sd-notify.js'

/** A check that must pass before each watchdog ping (e.g. "the journal accepts a write"). */
export type HealthProbe = () => void | Promise<void>

export interface SystemdOptions {
  notifier: Notifier
  env: NodeJS.ProcessEnv
  pid: number
  clock: Clock
  log: Logger
  probes: HealthProbe[]
  /** Text for `systemctl status`. */
  status: () => string
}

/**
 * Tells systemd how the daemon is doing. It is the LAST component: its start() runs only after
 * the journal is open, migrated and recovered and the gateway listens, so READY=1 is true when
 * sent; its stop() runs FIRST on shutdown, so STOPPING=1 goes out before anything closes.
 * WATCHDOG=1 is sent only when every probe passes: a blocked event loop sends nothing (the
 * timer cannot fire) and a journal that refuses writes sends nothing, so systemd restarts us.
 */
export class SystemdIntegration implements Component {
  readonly name = 'systemd'
  readonly #o: SystemdOptions
  #timer: TimerHandle | undefined
  #stopped = false

  constructor(options: SystemdOptions) {
    this.#o = options
  }

  async start(): Promise<void> {
    this.#stopped = false
    await this.#send('READY=1', `STATUS=${this.#o.status()}`)
    const interval = watchdogIntervalMs(this.#o.env, this.#o.pid)
    if (interval !== undefined && this.#o.notifier.enabled) this.#schedule(interval)
  }

  async stop(): Promise<void> {
    this.#stopped = true
    if (this.#timer) this.#o.clock.clearTimeout(this.#timer)
    this.#timer = undefined
    await this.#send('STOPPING=1', 'STATUS=stopping')
  }

  /** Fixed-rate pings; a ping still running when the next is due is not doubled. */
  #schedule(interval: number): void {
    let inFlight = false
    const tick = () => {
      if (this.#stopped) return
      this.#timer = this.#o.clock.setTimeout(tick, interval)
      if (inFlight) return
      inFlight = true
      void this.#ping().finally(() => {
        inFlight = false
      })
    }
    this.#timer = this.#o.clock.setTimeout(tick, interval)
  }

  async #ping(): Promise<void> {
    try {
      for (const probe of this.#o.probes) await probe()
    } catch (err) {
      this.#o.log.warn('health probe failed; withholding watchdog ping', { err })
      return
    }
    await this.#send('WATCHDOG=1', `STATUS=${this.#o.status()}`)
  }

  async #send(...assignments: string[]): Promise<void> {
    try {
      await this.#o.notifier.send(...assignments)
    } catch (err) {
      this.#o.log.warn('sd_notify failed', { err, message: assignments[0] })
    }
  }
}
