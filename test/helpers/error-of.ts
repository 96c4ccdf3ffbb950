import type { TillbridgeError } from '../../src/shared/errors.js'

/** The error a promise rejects with (or an async function throws); fails the test if none comes. */
export async function errorOf(p: Promise<unknown> | (() => unknown)): Promise<TillbridgeError> {
  try {
    await (typeof p === 'function' ? p() : p)
  } catch (err) {
    return err as TillbridgeError
  }
  throw new Error('expected an error')
}

/** The error a synchronous function throws; fails the test if none comes. */
export function errorThrownBy(fn: () => unknown): TillbridgeError {
  try {
    fn()
  } catch (err) {
    return err as TillbridgeError
  }
  throw new Error('expected an error')
}
