import type { Writable } from 'node:stream'
import type { StartupTimeline } from '../shared/startup-timeline.js'
import type { TestHooks } from '../shared/test-hooks.js'

/** What a command may touch of the outside world; main.ts passes the real process's. */
export interface CliIo {
  stdout: (text: string) => void
  stderr: (text: string) => void
  env: NodeJS.ProcessEnv
  pid: number
  /** Aborted by SIGINT/SIGTERM. */
  signal: AbortSignal
  /** Where the daemon's JSON log lines go (process.stdout); default: the console. */
  logStream?: Writable
  /** Test-only switches parsed by main.ts from TILLBRIDGE_TEST_HOOKS; none when absent. */
  testHooks?: TestHooks
  /** Start-up so far: main.ts marks its first line, `run` the rest. */
  startup?: StartupTimeline
}

export interface Command {
  name: string
  summary: string
  usage: string
  run(args: string[], io: CliIo): Promise<number>
}
