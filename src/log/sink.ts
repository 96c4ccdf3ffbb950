import { Writable } from 'node:stream'

/** Above this much unwritten log data, new lines are dropped (and counted) instead of queued. */
const MAX_PENDING_BYTES = 8 * 1024 * 1024

/**
 * Where log lines go (stdout, which journald or a pipe reads). A log sink that breaks (EPIPE:
 * the pipe's reader died) or stalls must never stop the daemon: its error is caught here, the
 * lines it could not take are counted (tillbridge_log_lines_lost_total) and payments go on.
 */
export class SafeLogSink extends Writable {
  readonly #target: Writable
  #broken = false
  #lost = 0

  constructor(target: Writable) {
    super()
    this.#target = target
    // Without this listener an EPIPE on stdout is an uncaught 'error' and the process exits.
    target.on('error', () => {
      this.#broken = true
    })
  }

  /** Lines not written because the sink was broken or full. */
  get lost(): number {
    return this.#lost
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const target = this.#target
    if (this.#broken || target.destroyed || target.writableLength > MAX_PENDING_BYTES) {
      this.#lost += 1
      done()
      return
    }
    try {
      target.write(chunk, (err) => {
        if (err) {
          this.#broken = true
          this.#lost += 1
        }
      })
    } catch {
      this.#broken = true
      this.#lost += 1
    }
    done()
  }
}
