import type { Writable } from 'node:stream'
import winston from 'winston'
import { Redactor } from './redact.js'

export type Logger = winston.Logger
export type LogLevel = 'error' | 'warn' | 'info' | 'debug'

export interface LoggerOptions {
  level: LogLevel
  redactor: Redactor
  /** Where JSON lines go; stdout by default, which journald collects under systemd. */
  stream?: Writable
}

/**
 * The one root logger: JSON lines, redaction last before serialising so no field escapes it.
 * Subsystems take `log.child({ subsystem: 'vipps' })`; messages are constant strings with
 * structured fields, so journald lines can be searched.
 */
export function createLogger(options: LoggerOptions): Logger {
  const redact = winston.format((info) => {
    const copy = options.redactor.redactValue({ ...info }) as Record<string, unknown>
    for (const key of Object.keys(info)) delete (info as Record<string, unknown>)[key]
    Object.assign(info, copy)
    return info
  })
  const transport = options.stream
    ? new winston.transports.Stream({ stream: options.stream })
    : new winston.transports.Console()
  return winston.createLogger({
    level: options.level,
    format: winston.format.combine(
      winston.format.errors({ stack: true }),
      winston.format.timestamp(),
      redact(),
      winston.format.json(),
    ),
    transports: [transport],
  })
}

/** A logger that writes nothing, for tests and CLI commands that print their own output. */
export function createSilentLogger(): Logger {
  return winston.createLogger({ silent: true, transports: [new winston.transports.Console({ silent: true })] })
}

export { Redactor }
