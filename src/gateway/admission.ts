import type { Clock } from '../shared/clock.js'

export interface AddressLimits {
  /** TCP sockets one address may hold open at once (before and after the upgrade). */
  maxSocketsPerAddress: number
  /** Failed authentications from one address before it has to wait. */
  authFailuresPerAddress: number
  /** The longest wait; the wait doubles from 1 s with each failure past the limit. */
  authBackoffMaxMs: number
}

interface AddressState {
  sockets: number
  failures: number
  /** Monotonic time before which this address may not try again. */
  blockedUntil: number
}

const FIRST_BACKOFF_MS = 1000
/** An address that stayed quiet this long is forgiven its failures. */
const FORGET_FAILURES_MS = 10 * 60_000

/**
 * Per-address bookkeeping of the gateway's admission: how many sockets each peer address holds
 * and how often it failed to authenticate. State is kept only for addresses with open sockets
 * or recent failures, so a scan from many addresses cannot grow it without bound for long.
 */
export class AddressAdmission {
  readonly #limits: AddressLimits
  readonly #clock: Clock
  readonly #byAddress = new Map<string, AddressState & { lastFailure: number }>()

  constructor(limits: AddressLimits, clock: Clock) {
    this.#limits = limits
    this.#clock = clock
  }

  /** A TCP socket opened; false when that address already holds its limit (destroy it). */
  opened(address: string): boolean {
    const state = this.#state(address)
    if (state.sockets >= this.#limits.maxSocketsPerAddress) {
      this.#tidy(address, state)
      return false
    }
    state.sockets += 1
    return true
  }

  closed(address: string): void {
    const state = this.#byAddress.get(address)
    if (!state) return
    state.sockets = Math.max(0, state.sockets - 1)
    this.#tidy(address, state)
  }

  /** Milliseconds this address must still wait before it may authenticate again (0: may). */
  backoffLeft(address: string): number {
    const state = this.#byAddress.get(address)
    if (!state) return 0
    return Math.max(0, state.blockedUntil - this.#clock.monotonic())
  }

  /** A wrong or missing token from this address. */
  failed(address: string): void {
    const state = this.#state(address)
    const now = this.#clock.monotonic()
    if (now - state.lastFailure > FORGET_FAILURES_MS) state.failures = 0
    state.failures += 1
    state.lastFailure = now
    const over = state.failures - this.#limits.authFailuresPerAddress
    if (over > 0) {
      const wait = Math.min(this.#limits.authBackoffMaxMs, FIRST_BACKOFF_MS * 2 ** Math.min(over - 1, 30))
      state.blockedUntil = now + wait
    }
  }

  /** A till authenticated from this address: its earlier failures are forgotten. */
  succeeded(address: string): void {
    const state = this.#byAddress.get(address)
    if (!state) return
    state.failures = 0
    state.blockedUntil = 0
  }

  #state(address: string): AddressState & { lastFailure: number } {
    let state = this.#byAddress.get(address)
    if (!state) {
      state = { sockets: 0, failures: 0, blockedUntil: 0, lastFailure: Number.NEGATIVE_INFINITY }
      this.#byAddress.set(address, state)
    }
    return state
  }

  #tidy(address: string, state: AddressState & { lastFailure: number }): void {
    const now = this.#clock.monotonic()
    const remembers = state.blockedUntil > now || now - state.lastFailure <= FORGET_FAILURES_MS
    if (state.sockets === 0 && !remembers) this.#byAddress.delete(address)
  }
}
