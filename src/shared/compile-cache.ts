import { lstatSync } from 'node:fs'
import * as nodeModule from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensurePrivateDirSync } from './private-files.js'

export type EnableCompileCache = (dir?: string) => { status: number; directory?: string; message?: string }

export interface CompileCacheEnv {
  /** systemd's StateDirectory= (the unit's /var/lib/tillbridge); the first when several. */
  STATE_DIRECTORY?: string
}

/**
 * On Node ≥ 22.1, V8's compiled code of every module the daemon loads is kept on disk, so a
 * restart skips most of the ~150 ms of parsing and compiling (docs/performance.md). The cache
 * goes into the state directory under systemd (its /tmp is private and emptied at each stop),
 * else a folder of this user's in the temporary directory. Cached code is run as is, so the
 * folder must be ours alone: one that another user owns is not used. Node 20 has no such cache:
 * nothing happens. Returns the folder in use, if any; never throws (a cache is only a speed-up).
 */
export function enableCompileCache(
  env: CompileCacheEnv,
  uid: number | undefined,
  enable = (nodeModule as { enableCompileCache?: EnableCompileCache }).enableCompileCache,
): string | undefined {
  if (typeof enable !== 'function') return undefined
  const stateDir = env.STATE_DIRECTORY?.split(':')[0]
  const dir = stateDir ? join(stateDir, 'compile-cache') : join(tmpdir(), `tillbridge-compile-cache-${uid ?? 'user'}`)
  try {
    ensurePrivateDirSync(dir)
    const stat = lstatSync(dir)
    if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid) || (stat.mode & 0o077) !== 0) return undefined
    return enable(dir).directory
  } catch {
    return undefined
  }
}
