import type { Clock } from '../shared/clock.js'

/** Abort reason: one attempt took longer than provider.attemptTimeoutMs. */
export class AttemptTimeout extends Error {
  override name = 'AttemptTimeout'
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`)
  }
}

/** Abort reason: the whole call, retries included, ran past its deadline. */
export class DeadlineExceeded extends Error {
  override name = 'DeadlineExceeded'
  constructor(readonly ms: number) {
    super(`deadline of ${ms} ms exceeded`)
  }
}

export interface LinkedAbort {
  readonly signal: AbortSignal
  abort(reason: unknown): void
  /** Removes the listeners on the parent signals and clears the timer. */
  dispose(): void
}

/**
 * An AbortController that also aborts when any parent does, and optionally after `timeoutMs`
 * of the injected clock (not AbortSignal.timeout, which tests could not move).
 * Written by hand rather than AbortSignal.any so listeners are removed when a call ends.
 */
export function linkedAbort(
  parents: ReadonlyArray<AbortSignal | undefined>,
  timeout?: { clock: Clock; ms: number; reason: () => unknown },
): LinkedAbort {
  const controller = new AbortController()
  const cleanups: Array<() => void> = []
  for (const parent of parents) {
    if (!parent) continue
    if (parent.aborted) {
      controller.abort(parent.reason)
      break
    }
    const onAbort = () => controller.abort(parent.reason)
    parent.addEventListener('abort', onAbort, { once: true })
    cleanups.push(() => parent.removeEventListener('abort', onAbort))
  }
  if (timeout && !controller.signal.aborted) {
    const handle = timeout.clock.setTimeout(() => controller.abort(timeout.reason()), timeout.ms)
    cleanups.push(() => timeout.clock.clearTimeout(handle))
  }
  return {
    signal: controller.signal,
    abort: (reason) => controller.abort(reason),
    dispose: () => {
      for (const cleanup of cleanups.splice(0)) cleanup()
    },
  }
}

/** Settles with `promise`, or rejects with the signal's reason as soon as it aborts. */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(err)
      },
    )
  })
}
