import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs'
import { chmod, mkdir } from 'node:fs/promises'

/**
 * The journal and the reports hold phone numbers and amounts: files are 0600 and folders 0700
 * whatever the umask (systemd's UMask= covers only the unit, not a technician's shell), so
 * modes are set explicitly after creating, never left to the umask.
 */
export const PRIVATE_FILE_MODE = 0o600
export const PRIVATE_DIR_MODE = 0o700

/** Creates `dir` (and parents) if missing; a folder created here is made 0700. */
export function ensurePrivateDirSync(dir: string): void {
  const created = mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE })
  if (created !== undefined) chmodSync(dir, PRIVATE_DIR_MODE)
}

/** Creates an empty 0600 file unless one exists (an existing file keeps its owner's choice). */
export function ensurePrivateFileSync(file: string): void {
  let fd: number
  try {
    fd = openSync(file, 'wx', PRIVATE_FILE_MODE)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return
    throw err
  }
  closeSync(fd)
  chmodSync(file, PRIVATE_FILE_MODE)
}

export async function ensurePrivateDir(dir: string): Promise<void> {
  const created = await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE })
  if (created !== undefined) await chmod(dir, PRIVATE_DIR_MODE)
}
