import { type Clock, sleepWith, type TimerHandle } from '../shared/clock.js'

interface SimTimer {
  id: number
  dueAt: number
  fn: () => void
}

/**
 * The simulator's time: the injected clock plus an offset that `POST /_sim/clock` moves forward.
 * Token expiry, payment expiry and customer delays all run on it, so a test (or a till developer)
 * can skip ten minutes without waiting. Timers are kept here and one timer on the injected clock
 * is armed for the earliest, so advancing either clock fires what fell due.
 */
export class SimClock implements Clock {
  readonly #base: Clock
  #offset = 0
  #nextId = 1
  #timers: SimTimer[] = []
  #armed: { handle: TimerHandle; dueAt: number } | undefined

  constructor(base: Clock) {
    this.#base = base
  }

  now(): number {
    return this.#base.now() + this.#offset
  }

  monotonic(): number {
    return this.#base.monotonic() + this.#offset
  }

  setTimeout(fn: () => void, ms: number): TimerHandle & { id: number } {
    const timer = { id: this.#nextId++, dueAt: this.monotonic() + Math.max(0, ms), fn }
    this.#timers.push(timer)
    this.#arm()
    return { id: timer.id, unref: () => {} }
  }

  clearTimeout(handle: TimerHandle): void {
    const id = (handle as { id?: number }).id
    this.#timers = this.#timers.filter((t) => t.id !== id)
    this.#arm()
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(
      ms,
      signal,
      (fn, delay) => this.setTimeout(fn, delay),
      (h) => this.clearTimeout(h),
    )
  }

  /**
   * Moves simulator time forward, stepping to each timer as it falls due and firing it, so
   * what a timer records (an event's timestamp) and what it schedules are at its own due time.
   */
  advance(ms: number): void {
    const target = this.monotonic() + Math.max(0, ms)
    for (;;) {
      const next = this.#earliest()
      if (!next || next.dueAt > target) break
      this.#offset += Math.max(0, next.dueAt - this.monotonic())
      this.#fireDue()
    }
    this.#offset += Math.max(0, target - this.monotonic())
    // The armed timer's delay was measured before the jump; measure again.
    this.#disarm()
    this.#arm()
  }

  /** Drops every timer (stop()). */
  clearAll(): void {
    this.#timers = []
    this.#disarm()
  }

  #disarm(): void {
    if (this.#armed) this.#base.clearTimeout(this.#armed.handle)
    this.#armed = undefined
  }

  #fireDue(): void {
    for (;;) {
      const next = this.#earliest()
      if (!next || next.dueAt > this.monotonic()) break
      this.#timers = this.#timers.filter((t) => t !== next)
      next.fn()
    }
    this.#arm()
  }

  #arm(): void {
    const next = this.#earliest()
    if (this.#armed && next && this.#armed.dueAt === next.dueAt) return
    this.#disarm()
    if (!next) return
    const handle = this.#base.setTimeout(
      () => {
        this.#armed = undefined
        this.#fireDue()
      },
      Math.max(0, next.dueAt - this.monotonic()),
    )
    handle.unref()
    this.#armed = { handle, dueAt: next.dueAt }
  }

  #earliest(): SimTimer | undefined {
    let best: SimTimer | undefined
    for (const t of this.#timers) if (!best || t.dueAt < best.dueAt) best = t
    return best
  }
}
