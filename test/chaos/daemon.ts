import { appendFileSync } from 'node:fs'
import { type DaemonProcess, startDaemon } from '../helpers/daemon-process.js'

export interface ChaosDaemonOptions {
  configFile: string
  /** Extra environment (TILLBRIDGE_TEST_HOOKS, LD_PRELOAD, …). */
  env?: NodeJS.ProcessEnv
  /** A command that execs the daemon (`fiu-run -x`). */
  wrapper?: string[]
  /** Each life's log lines and stderr are appended here when it ends. */
  logFile?: string
  readyTimeoutMs?: number
}

export interface DaemonExit {
  code: number | null
  signal: string | null
}

/**
 * The real daemon (dist/main.js run) as a child process that the run kills and restarts. Exits
 * the run did not cause (a crash, a storage failure) are kept for the checker.
 */
export class ChaosDaemon {
  readonly #o: ChaosDaemonOptions
  #life: DaemonProcess | undefined
  #expected = new WeakSet<DaemonProcess>()
  readonly unexpectedExits: DaemonExit[] = []
  starts = 0
  kills = 0

  constructor(options: ChaosDaemonOptions) {
    this.#o = options
  }

  get pid(): number | undefined {
    return this.#life?.child.pid
  }

  /** Starts a new life and waits for its `ready` line. */
  async start(): Promise<void> {
    const life = startDaemon(['run', '--config', this.#o.configFile], this.#o.env ?? {}, this.#o.wrapper)
    this.#life = life
    this.starts++
    void life.exited.then((exit) => {
      if (!this.#expected.has(life)) this.unexpectedExits.push(exit)
      this.#keepLog(life, exit)
    })
    await life.waitForLine((l) => l.message === 'ready', this.#o.readyTimeoutMs ?? 30_000)
  }

  /** SIGKILL: no chance to finish anything. */
  async kill(): Promise<void> {
    const life = this.#life
    if (!life) return
    this.#expected.add(life)
    this.#life = undefined
    this.kills++
    life.child.kill('SIGKILL')
    await life.exited
  }

  /** SIGTERM, as systemd stops it; resolves with the exit. */
  async stop(): Promise<DaemonExit | undefined> {
    const life = this.#life
    if (!life) return undefined
    this.#expected.add(life)
    this.#life = undefined
    life.child.kill('SIGTERM')
    return life.exited
  }

  /** For a life expected to end by itself (a storage failure): resolves with its exit. */
  expectExit(): Promise<DaemonExit> | undefined {
    const life = this.#life
    if (!life) return undefined
    this.#expected.add(life)
    return life.exited
  }

  #keepLog(life: DaemonProcess, exit: DaemonExit): void {
    if (!this.#o.logFile) return
    const lines = life.lines.map((l) => JSON.stringify(l)).join('\n')
    const end = `-- pid ${life.child.pid} exited: code ${exit.code}, signal ${exit.signal}\n`
    appendFileSync(this.#o.logFile, `${lines}\n${life.stderr()}${end}`)
  }
}
