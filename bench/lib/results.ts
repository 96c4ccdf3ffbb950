/**
 * The shape of bench/results.json: every figure with the baseline measured in the same run and,
 * where the project sets one, its target and whether it was met. Written only by `npm run bench`.
 */

export interface Machine {
  cpu: string
  cores: number
  memoryGiB: number
  node: string
  os: string
  /** Filesystem and device of the directory the benchmarks write to. */
  disk: string
}

export interface Measured {
  label: string
  value: number
  unit: string
}

export interface Target {
  /** Its key in bench/lib/targets.ts (BENCHMARKS.md explains a missed target by it). */
  id?: string
  /** As the README and BENCHMARKS.md state it, e.g. "≤ 2 ms added". */
  text: string
  met: boolean
  /** When it was set (bench/lib/targets.ts). */
  setOn?: string
}

export interface Figure extends Measured {
  /** What the figure is compared with, measured in the same run on the same machine. */
  baseline?: Measured
  target?: Target
  /** Where the figure was measured in several repeats: its lowest and highest value among them. */
  spread?: { repeats: number; min: number; max: number }
}

export interface BenchSection {
  id: string
  title: string
  /** How it is measured, in a sentence or two, for BENCHMARKS.md. */
  method: string
  figures: Figure[]
}

export interface BenchResults {
  date: string
  machine: Machine
  /** Seconds the whole `npm run bench` took. */
  elapsedSeconds: number
  sections: BenchSection[]
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}

/** The p-th percentile (nearest rank) of `xs`. */
export function percentile(xs: readonly number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
}

/** The lowest and highest of `xs`, each a repeat of the same measurement. */
export function spreadOf(xs: readonly number[]): { repeats: number; min: number; max: number } {
  return { repeats: xs.length, min: round(Math.min(...xs)), max: round(Math.max(...xs)) }
}

export function median(xs: readonly number[]): number {
  return percentile(xs, 50)
}
