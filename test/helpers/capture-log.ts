import { Writable } from 'node:stream'
import { createLogger, type Logger, Redactor } from '../../src/log/logger.js'

/** A real winston logger whose JSON lines are kept in memory for assertions. */
export function captureLogger(redactor = new Redactor()): { log: Logger; lines: string[]; text: () => string } {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk).trimEnd())
      done()
    },
  })
  const log = createLogger({ level: 'debug', redactor, stream })
  return { log, lines, text: () => lines.join('\n') }
}
