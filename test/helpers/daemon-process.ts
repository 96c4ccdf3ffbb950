import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const MAIN_JS = fileURLToPath(new URL('../../dist/main.js', import.meta.url))

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

/** Starts the built CLI as a child process and parses its JSON log lines as they arrive. */
export function startDaemon(args: string[], env: NodeJS.ProcessEnv = {}): DaemonProcess {
  const child = spawn(process.execPath, [MAIN_JS, ...args], {
    env: { PATH: process.env.PATH, ...env },
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
