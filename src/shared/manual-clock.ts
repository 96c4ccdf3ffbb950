import { type Clock, sleepWith, type TimerHandle } from './clock.js'

interface PendingTimer {
  id: number
  dueAt: number
  fn: () => void
}

/**
 * A clock that moves only when told to. Tests and the simulator use it; the daemon never does.
 *
 * `advance()` moves both wall and monotonic time and fires due timers in order, letting promise
 * callbacks run between them, so code that awaits a sleep sees the time it expects.
 * `stepWall()` moves only the wall clock, as NTP or an operator would.
 */
export class ManualClock implements Clock {
  #wall: number
  #mono = 0
  #nextId = 1
  #timers: PendingTimer[] = []

  constructor(startWallMs = Date.UTC(2026, 0, 1, 12, 0, 0)) {
    this.#wall = startWallMs
  }

  now(): number {
    return this.#wall + this.#mono
  }

  monotonic(): number {
    return this.#mono
  }

  setTimeout(fn: () => void, ms: number): TimerHandle & { id: number } {
    const timer = { id: this.#nextId++, dueAt: this.#mono + Math.max(0, ms), fn }
    this.#timers.push(timer)
    return { id: timer.id, unref: () => {} }
  }

  clearTimeout(handle: TimerHandle): void {
    const id = (handle as { id?: number }).id
    this.#timers = this.#timers.filter((t) => t.id !== id)
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(
      ms,
      signal,
      (fn, delay) => this.setTimeout(fn, delay),
      (h) => this.clearTimeout(h),
    )
  }

  /** Number of timers still waiting. */
  get pendingTimers(): number {
    return this.#timers.length
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  async advance(ms: number): Promise<void> {
    const target = this.#mono + ms
    for (;;) {
      await flushMicrotasks()
      const next = this.#earliestDue()
      if (!next || next.dueAt > target) break
      this.#timers = this.#timers.filter((t) => t !== next)
      this.#mono = Math.max(this.#mono, next.dueAt)
      next.fn()
    }
    this.#mono = target
    await flushMicrotasks()
  }

  /** Steps the wall clock only (an NTP correction); monotonic time and timers are unaffected. */
  stepWall(ms: number): void {
    this.#wall += ms
  }

  #earliestDue(): PendingTimer | undefined {
    let best: PendingTimer | undefined
    for (const t of this.#timers) if (!best || t.dueAt < best.dueAt) best = t
    return best
  }
}

async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve()
  await new Promise<void>((resolve) => setImmediate(resolve))
}
