/**
 * Time, passed in everywhere so tests control it without patching globals.
 *
 * `now()` is wall-clock time, used only for timestamps that are stored or shown.
 * `monotonic()` never jumps when the wall clock is stepped (NTP, a dead RTC battery), so every
 * duration, timeout and expiry is measured with it.
 */
export interface Clock {
  /** Wall-clock epoch milliseconds. */
  now(): number
  /** Monotonic milliseconds from an arbitrary origin. */
  monotonic(): number
  /** Runs `fn` after `ms` of monotonic time. */
  setTimeout(fn: () => void, ms: number): TimerHandle
  clearTimeout(handle: TimerHandle): void
  /** Resolves after `ms`; rejects with the signal's reason when aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

export interface TimerHandle {
  /** Lets the process exit while the timer is pending (no-op for fake clocks). */
  unref(): void
}

export function createSystemClock(): Clock {
  return {
    now: () => Date.now(),
    monotonic: () => performance.now(),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    sleep: (ms, signal) => sleepWith(ms, signal, setTimeout, clearTimeout),
  }
}

type SetTimer<H> = (fn: () => void, ms: number) => H
type ClearTimer<H> = (handle: H) => void

/** A sleep built on any pair of timer functions, so the real and the fake clock share it. */
export function sleepWith<H>(
  ms: number,
  signal: AbortSignal | undefined,
  set: SetTimer<H>,
  clear: ClearTimer<H>,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason)
      return
    }
    const onAbort = () => {
      clear(handle)
      reject(signal?.reason)
    }
    const handle = set(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
