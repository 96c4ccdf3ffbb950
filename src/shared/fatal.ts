/**
 * A way for any component to say "the daemon must stop now" (a storage write failed, so the
 * outcome is unknown) without calling process.exit: main.ts listens, stops the app in order and
 * exits non-zero, and systemd restarts it into recovery.
 */
export class FatalReporter {
  #listeners: Array<(err: Error) => void> = []
  #first: Error | undefined

  get error(): Error | undefined {
    return this.#first
  }

  onFatal(listener: (err: Error) => void): void {
    this.#listeners.push(listener)
    if (this.#first) listener(this.#first)
  }

  report(err: Error): void {
    if (this.#first) return
    this.#first = err
    for (const l of this.#listeners) l(err)
  }
}
