import { TillbridgeError } from '../shared/errors.js'
import { EXIT } from '../shared/exit-codes.js'
import type { CliIo } from './io.js'

/** Turns an error into a message a technician can act on, and the exit code systemd acts on. */
export function reportError(err: unknown, io: CliIo): number {
  const listen = listenFailure(err)
  if (listen) {
    io.stderr(`tillbridge: ${listen}\n`)
    return EXIT.FAILURE
  }
  if (!(err instanceof TillbridgeError)) {
    io.stderr(`tillbridge: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    return EXIT.INTERNAL
  }
  io.stderr(`tillbridge: ${err.message}\n`)
  const problems = err.details?.problems
  if (Array.isArray(problems)) for (const p of problems) io.stderr(`  - ${String(p)}\n`)
  return exitCodeFor(err)
}

export function exitCodeFor(err: TillbridgeError): number {
  switch (err.code) {
    case 'CONFIG_INVALID':
    case 'SECRET_UNREADABLE':
      return EXIT.CONFIG
    case 'SCHEMA_MISMATCH':
      return EXIT.SCHEMA
    case 'STORAGE_FAILED':
    case 'MIGRATION_FAILED':
      return EXIT.STORAGE
    case 'JOURNAL_LOCKED':
      return EXIT.JOURNAL_LOCKED
    case 'USAGE':
      return EXIT.USAGE
    default:
      return EXIT.FAILURE
  }
}

/** A port that is taken or not allowed is an operator's problem, not a bug: say which and why. */
function listenFailure(err: unknown): string | undefined {
  const e = err as { code?: unknown; address?: unknown; port?: unknown } | null
  if (!e || (e.code !== 'EADDRINUSE' && e.code !== 'EACCES' && e.code !== 'EADDRNOTAVAIL')) return undefined
  if (e.port === undefined) return undefined
  const where = `${String(e.address ?? '')}:${String(e.port)}`
  const why =
    e.code === 'EADDRINUSE'
      ? 'the address is already in use (another tillbridge running? change the port in the config)'
      : e.code === 'EACCES'
        ? 'permission denied (ports below 1024 need privileges)'
        : 'that address is not on this machine'
  return `cannot listen on ${where}: ${why}`
}
