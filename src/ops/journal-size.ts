import { statSync } from 'node:fs'

/** Sizes of the journal and its write-ahead log, for the status page and /metrics. */
export function journalSize(path: string): { path: string; bytes: number; walBytes: number } {
  return { path, bytes: sizeOf(path), walBytes: sizeOf(`${path}-wal`) }
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size
  } catch {
    return 0
  }
}
