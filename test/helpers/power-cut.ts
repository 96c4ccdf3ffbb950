import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const SHIM_SOURCE = fileURLToPath(new URL('../durability/fsync-snapshot.c', import.meta.url))

export type ShimBuild = { ok: true; path: string } | { ok: false; reason: string }

/** Compiles the fsync-snapshot shim into `dir` with the first C compiler found (cc, gcc, clang). */
export function buildFsyncSnapshotShim(dir: string): ShimBuild {
  const out = join(dir, 'fsync-snapshot.so')
  const tried: string[] = []
  for (const cc of ['cc', 'gcc', 'clang']) {
    const r = spawnSync(cc, ['-shared', '-fPIC', '-O2', '-Wall', '-o', out, SHIM_SOURCE, '-ldl', '-lpthread'], {
      encoding: 'utf8',
    })
    if (r.status === 0) return { ok: true, path: out }
    tried.push(`${cc}: ${r.error ? r.error.message : r.stderr.trim()}`)
  }
  return { ok: false, reason: `no C compiler could build the shim (${tried.join('; ')})` }
}

/** The environment that loads the shim: copies of every file synced under `watch` go to `shadow`. */
export function shimEnv(shim: string, watch: string, shadow: string): NodeJS.ProcessEnv {
  return { LD_PRELOAD: shim, FSYNC_SNAPSHOT_WATCH: watch, FSYNC_SNAPSHOT_DIR: shadow }
}

/** The journal and the files SQLite keeps beside it in WAL mode. */
export function journalFiles(journal: string): string[] {
  return [journal, `${journal}-wal`, `${journal}-shm`]
}

/** Makes the journal as it is now (the daemon stopped) the durable baseline. */
export function seedShadow(journal: string, shadow: string): void {
  rmSync(shadow, { recursive: true, force: true })
  mkdirSync(shadow, { recursive: true })
  for (const file of journalFiles(journal).slice(0, 2)) {
    if (existsSync(file)) copyFileSync(file, join(shadow, basename(file)))
  }
}

/**
 * The power cut, after the daemon was SIGKILLed: every journal file is put back as it was at its
 * last successful sync, a file never synced is gone, and the shared-memory index (rebuilt by
 * SQLite from the WAL) is removed.
 */
export function cutPower(journal: string, shadow: string): void {
  const [db, wal, shm] = journalFiles(journal) as [string, string, string]
  for (const file of [db, wal, shm]) rmSync(file, { force: true })
  for (const file of [db, wal]) {
    const copy = join(shadow, basename(file))
    if (existsSync(copy)) copyFileSync(copy, file)
  }
}

/** How many snapshots the shim has taken so far (proves it was loaded). */
export function shadowFiles(shadow: string): string[] {
  return existsSync(shadow) ? readdirSync(shadow).filter((f) => !f.startsWith('.')) : []
}
