import { existsSync, statSync } from 'node:fs'
import { type Db, openDatabase } from '../../store/db.js'
import { type CheckResult, fail, pass, warn } from './check.js'
import { formatBytes } from './disk.js'

export const WAL_WARN_BYTES = 64 * 1024 * 1024

const RESTORE_FIX =
  'stop the daemon (`systemctl stop tillbridge`), keep a copy of the damaged file and its -wal, ' +
  'restore the journal from the latest backup, start it again: it re-reads every unfinished payment ' +
  'from Vipps; then run `tillbridge reconcile` for the days since the backup'

/**
 * `PRAGMA integrity_check` on a read-only connection, so it is safe while the daemon runs (WAL
 * readers never block the writer).
 */
export function checkJournalIntegrity(path: string, busyTimeoutMs: number): CheckResult {
  if (!existsSync(path)) {
    return warn(
      'journal',
      `no journal at ${path}`,
      'fine before the first start (`tillbridge run` or `tillbridge migrate` creates it); otherwise journal.path points to the wrong file',
      { subject: path },
    )
  }
  let db: Db | undefined
  try {
    db = openDatabase(path, { busyTimeoutMs, readonly: true })
    const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>
    const messages = rows.map((r) => r.integrity_check.replace(/\s*\n\s*/g, ' '))
    if (messages.length === 1 && messages[0] === 'ok') {
      return pass('journal', `${path}: integrity_check ok`, { subject: path })
    }
    return fail('journal', `${path} is damaged: integrity_check found ${messages.length} problem(s)`, RESTORE_FIX, {
      subject: path,
      details: messages.slice(0, 20),
    })
  } catch (err) {
    // openDatabase wraps SQLite's error and keeps its code in details.
    const code = String((err as { details?: { sqliteCode?: string } }).details?.sqliteCode ?? '')
    const reason = err instanceof Error ? err.message : String(err)
    if (/CANTOPEN|PERM|AUTH|READONLY/.test(code) || /permission|unable to open/i.test(reason)) {
      return fail(
        'journal',
        `cannot open ${path}: ${reason}`,
        'run doctor as the user the daemon runs as (`sudo -u tillbridge …`)',
        {
          subject: path,
        },
      )
    }
    return fail('journal', `${path} cannot be read as a journal: ${reason}`, RESTORE_FIX, { subject: path })
  } finally {
    db?.close()
  }
}

/** A large write-ahead log means checkpoints are held back, usually by a long read. */
export function checkWalSize(path: string): CheckResult {
  const wal = `${path}-wal`
  const bytes = existsSync(wal) ? statSync(wal).size : 0
  const finding = `write-ahead log ${formatBytes(bytes)}`
  if (bytes > WAL_WARN_BYTES) {
    return warn(
      'wal',
      `${finding} (over ${formatBytes(WAL_WARN_BYTES)})`,
      'something keeps a read open so SQLite cannot checkpoint (a backup or a tool left running: `fuser -v ' +
        `${path}\`); stop it, or restart the daemon at a quiet moment, which checkpoints the log`,
      { subject: wal },
    )
  }
  return pass('wal', finding, { subject: wal })
}
