/**
 * When each step of start-up finished, in ms since the process began (performance.now() counts
 * from Node's time origin, taken as the process starts): the first line of main, the `run`
 * command's modules loaded, the config read, each component started, ready. Only a handful of
 * numbers, kept always; written out only by the footprint file (src/ops/footprint.ts).
 */
export interface StartupMark {
  step: string
  atMs: number
}

export class StartupTimeline {
  readonly #marks: StartupMark[] = []
  readonly #now: () => number

  constructor(now: () => number = () => performance.now()) {
    this.#now = now
  }

  /** `step` has just finished. */
  mark(step: string, atMs = this.#now()): void {
    this.#marks.push({ step, atMs: Math.round(atMs * 100) / 100 })
  }

  get marks(): readonly StartupMark[] {
    return this.#marks
  }
}
