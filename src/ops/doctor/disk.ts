import { existsSync, statfsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { type CheckResult, fail, pass, warn } from './check.js'

/** Free space the daemon's user may use, in bytes, on the filesystem holding `path`. */
export type FreeSpaceFn = (path: string) => number

export const DISK_WARN_BYTES = 500 * 1024 * 1024
export const DISK_FAIL_BYTES = 50 * 1024 * 1024

export const freeSpace: FreeSpaceFn = (path) => {
  const stats = statfsSync(path)
  return stats.bavail * stats.bsize
}

/** The journal's directory, or its nearest existing ancestor before the first start. */
export function existingDirOf(file: string): string {
  let dir = dirname(resolve(file))
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir)
  return dir
}

/**
 * A full disk makes every journal write fail, and the daemon then stops (exit 74) rather than
 * answer a till whose payment it could not record.
 */
export function checkDiskSpace(journalPath: string, free: FreeSpaceFn = freeSpace): CheckResult {
  const dir = existingDirOf(journalPath)
  let bytes: number
  try {
    bytes = free(dir)
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? String(err)
    return fail('disk', `cannot read the free space of ${dir} (${reason})`, 'check that the directory is readable')
  }
  const finding = `${formatBytes(bytes)} free on the journal's filesystem (${dir})`
  const fix =
    'free space on that filesystem (old logs: `journalctl --vacuum-size=100M`, package caches: `apt-get clean`); ' +
    'with no space left the daemon stops rather than accept payments it cannot record'
  if (bytes < DISK_FAIL_BYTES) return fail('disk', finding, fix, { subject: dir })
  if (bytes < DISK_WARN_BYTES) return warn('disk', finding, fix, { subject: dir })
  return pass('disk', finding, { subject: dir })
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`
  return `${(bytes / 1024).toFixed(0)} kB`
}
