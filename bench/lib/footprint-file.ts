import { readFileSync } from 'node:fs'
import type { FootprintSnapshot } from '../../src/ops/footprint.js'

/** The daemon's latest TILLBRIDGE_FOOTPRINT_FILE snapshot (src/ops/footprint.ts). */
export function readSnapshot(file: string): FootprintSnapshot {
  return JSON.parse(readFileSync(file, 'utf8')) as FootprintSnapshot
}

/** ms between two of the daemon's start-up marks (from the process start when `from` is undefined). */
export function phaseMs(snapshot: FootprintSnapshot, from: string | undefined, to: string): number {
  const at = (step: string) => snapshot.startup.find((m) => m.step === step)?.atMs ?? Number.NaN
  return at(to) - (from === undefined ? 0 : at(from))
}

/** The phases the start-up figures name: [label, from mark, to mark]. */
export const JOURNAL_PHASE = ['journal lock, open, checks, migrations', 'context', 'journal'] as const
export const ENGINE_PHASE = ['Vipps clients, engine, worker, reaper, metrics', 'journal', 'loud-warnings'] as const
