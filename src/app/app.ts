import type { Component, ListenInfo } from '../shared/lifecycle.js'
import type { AppContext } from './context.js'

/**
 * Starts components in order and stops them in reverse. A component that fails to start stops
 * the ones already started. Stop gives each component its turn even when an earlier one fails,
 * and gives up waiting at the deadline so the process can still exit.
 */
export class App {
  readonly context: AppContext
  #started: Component[] = []
  #stopping: Promise<void> | undefined

  constructor(context: AppContext) {
    this.context = context
  }

  async start(): Promise<void> {
    const log = this.context.log.child({ subsystem: 'app' })
    for (const component of this.context.components) {
      try {
        await component.start()
      } catch (err) {
        log.error('component failed to start', { component: component.name, err })
        await this.stop()
        throw err
      }
      this.#started.push(component)
      this.context.startup.mark(component.name)
    }
    this.context.readiness.ready = true
    this.context.startup.mark('ready')
    log.info('ready', { listening: this.listening(), journal: this.context.journal.path })
  }

  /** Every address the started components serve. */
  listening(): ListenInfo[] {
    return this.#started.flatMap((c) => c.listening?.() ?? [])
  }

  /** Idempotent; resolves when every started component has stopped or the deadline passed. */
  stop(deadlineMs = this.context.config.shutdownTimeoutMs): Promise<void> {
    this.#stopping ??= this.#stopAll(deadlineMs)
    return this.#stopping
  }

  async #stopAll(deadlineMs: number): Promise<void> {
    this.context.readiness.ready = false
    const log = this.context.log.child({ subsystem: 'app' })
    const { clock } = this.context
    const end = clock.monotonic() + deadlineMs
    for (const component of [...this.#started].reverse()) {
      const left = Math.max(0, end - clock.monotonic())
      let timer: ReturnType<typeof clock.setTimeout> | undefined
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = clock.setTimeout(() => resolve('timeout'), left)
      })
      try {
        const outcome = await Promise.race([component.stop().then(() => 'stopped' as const), timeout])
        if (outcome === 'timeout') log.warn('component did not stop in time', { component: component.name })
      } catch (err) {
        log.error('component failed to stop', { component: component.name, err })
      } finally {
        if (timer) clock.clearTimeout(timer)
      }
    }
    this.#started = []
    log.info('stopped')
  }
}
