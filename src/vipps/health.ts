import type { ProviderHealth, ProviderState } from './api.js'

type Listener = (state: ProviderState, detail: string | undefined) => void

/**
 * Folds what the HTTP layer and the token managers see into one state:
 * - `down` while any credential set has no usable token, or after a call gave up
 *   (deadline or retries exhausted, or Vipps refused our keys);
 * - `degraded` while calls are being retried;
 * - `ok` after any answer from Vipps that was not a failure of Vipps itself.
 */
export class HealthTracker implements ProviderHealth {
  #calls: { state: ProviderState; detail: string | undefined } = { state: 'ok', detail: undefined }
  #tokenOutages = new Map<string, string>()
  #tokenSources = new Map<string, () => number | undefined>()
  #listeners = new Set<Listener>()
  #last: ProviderState = 'ok'

  get state(): ProviderState {
    return this.#tokenOutages.size > 0 ? 'down' : this.#calls.state
  }

  get detail(): string | undefined {
    const [first] = this.#tokenOutages.values()
    return first ?? this.#calls.detail
  }

  tokenSecondsLeft(): Record<string, number | undefined> {
    const out: Record<string, number | undefined> = {}
    for (const [name, source] of this.#tokenSources) out[name] = source()
    return out
  }

  onChange(listener: Listener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  addTokenSource(name: string, secondsLeft: () => number | undefined): void {
    this.#tokenSources.set(name, secondsLeft)
  }

  tokenOk(set: string): void {
    if (this.#tokenOutages.delete(set)) this.#emit()
  }

  /** No usable token for `set`: every call through it fails until a fetch succeeds. */
  tokenDown(set: string, detail: string): void {
    this.#tokenOutages.set(set, `access token for "${set}": ${detail}`)
    this.#emit()
  }

  answered(): void {
    this.#setCalls('ok', undefined)
  }

  retrying(detail: string): void {
    if (this.#calls.state !== 'down') this.#setCalls('degraded', detail)
  }

  gaveUp(detail: string): void {
    this.#setCalls('down', detail)
  }

  #setCalls(state: ProviderState, detail: string | undefined): void {
    this.#calls = { state, detail }
    this.#emit()
  }

  #emit(): void {
    const state = this.state
    if (state === this.#last) return
    this.#last = state
    const detail = this.detail
    for (const listener of this.#listeners) listener(state, detail)
  }
}
