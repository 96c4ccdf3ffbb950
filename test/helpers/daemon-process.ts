import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { NODE_ENV, NODE_FLAGS } from '../../src/shared/node-flags.js'

/** The package root: the nearest folder above this file with a package.json (also from dist-bench/). */
export const PACKAGE_ROOT = packageRoot(dirname(fileURLToPath(import.meta.url)))

export const MAIN_JS = join(PACKAGE_ROOT, 'dist', 'main.js')

function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`)
  }
}

export interface DaemonProcess {
  child: ChildProcess
  /** Parsed JSON log lines so far. */
  lines: Array<Record<string, unknown>>
  stderr: () => string
  waitForLine(
    predicate: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/**
 * Starts the built CLI as a child process and parses its JSON log lines as they arrive.
 * `wrapper` runs it under another command that execs it (e.g. `fiu-run -x`), so the pid stays node's.
 */
export function startDaemon(args: string[], env: NodeJS.ProcessEnv = {}, wrapper: string[] = []): DaemonProcess {
  const [command, ...prefix] = [...wrapper, process.execPath]
  // With the flags it ships with (its #! line, the unit), so tests and benchmarks run the product.
  const child = spawn(command as string, [...prefix, ...NODE_FLAGS, MAIN_JS, ...args], {
    env: { PATH: process.env.PATH, ...NODE_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: Array<Record<string, unknown>> = []
  const waiters: Array<() => void> = []
  let buffer = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk
    let nl = buffer.indexOf('\n')
    while (nl >= 0) {
      const text = buffer.slice(0, nl)
      buffer = buffer.slice(nl + 1)
      try {
        lines.push(JSON.parse(text) as Record<string, unknown>)
      } catch {
        lines.push({ raw: text })
      }
      nl = buffer.indexOf('\n')
    }
    for (const w of waiters.splice(0)) w()
  })
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve({ code, signal })
      for (const w of waiters.splice(0)) w()
    })
  })
  const waitForLine: DaemonProcess['waitForLine'] = (predicate, timeoutMs = 15_000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching log line in ${timeoutMs} ms; stderr: ${stderr}`)),
        timeoutMs,
      )
      const check = () => {
        const found = lines.find(predicate)
        if (found) {
          clearTimeout(timer)
          resolve(found)
        } else if (child.exitCode !== null || child.signalCode !== null) {
          clearTimeout(timer)
          reject(new Error(`daemon exited (${child.exitCode ?? child.signalCode}); stderr: ${stderr}`))
        } else {
          waiters.push(check)
        }
      }
      check()
    })
  return { child, lines, stderr: () => stderr, waitForLine, exited }
}
