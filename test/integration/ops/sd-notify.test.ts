import { type ChildProcess, spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { startDaemon } from '../../helpers/daemon-process.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const tempDir = useTempDir()
const LISTENER = fileURLToPath(new URL('../../helpers/fake-notify-socket.py', import.meta.url))
const children: ChildProcess[] = []
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL')
})

interface NotifyMessage {
  at: number
  text: string
}

function fakeNotifySocket(dir: string) {
  const path = join(dir, 'notify.sock')
  const child = spawn('python3', [LISTENER, path, '60'], { stdio: ['ignore', 'pipe', 'inherit'] })
  children.push(child)
  const messages: NotifyMessage[] = []
  let buffer = ''
  const listening = new Promise<void>((resolve) => {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk
      const lines = buffer.split('\n')
      buffer = lines.pop() ?? ''
      for (const line of lines) {
        if (line === 'listening') resolve()
        const m = /^(\d+\.\d+) (.*)$/.exec(line)
        if (m) messages.push({ at: Number(m[1]) * 1000, text: m[2] ?? '' })
      }
    })
  })
  return { path, messages, listening }
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 25))
  }
}

describe.runIf(process.platform === 'linux')('systemd notify and watchdog (fake NOTIFY_SOCKET)', () => {
  it('sends READY=1 after start-up, WATCHDOG=1 at half the interval, none while blocked, STOPPING=1 on SIGTERM', async () => {
    const dir = tempDir()
    const socket = fakeNotifySocket(dir)
    await socket.listening
    const config = join(dir, 'config.json')
    writeFileSync(
      config,
      JSON.stringify({ journal: { path: join(dir, 'j.db') }, gateway: { port: 0 }, admin: { port: 0 } }),
    )
    const daemon = startDaemon(['run', '--config', config], {
      NOTIFY_SOCKET: socket.path,
      WATCHDOG_USEC: '1000000',
      TILLBRIDGE_TEST_HOOKS: 'block-on-sigusr2',
    })

    await daemon.waitForLine((l) => l.message === 'ready')
    await until(() => socket.messages.some((m) => m.text === 'READY=1'))
    // READY=1 is sent by the last component to start: the journal was already migrated.
    expect(daemon.lines.findIndex((l) => l.message === 'journal migrated')).toBeGreaterThanOrEqual(0)

    await until(() => socket.messages.filter((m) => m.text === 'WATCHDOG=1').length >= 4)
    const pings = socket.messages.filter((m) => m.text === 'WATCHDOG=1').map((m) => m.at)
    const gaps = pings.slice(1).map((t, i) => t - (pings[i] ?? t))
    for (const gap of gaps) {
      expect(gap).toBeGreaterThan(350)
      // systemd needs one at least every WATCHDOG_USEC (1 s); the daemon aims at half of it.
      expect(gap).toBeLessThan(1000)
    }

    // Block the event loop for 3 s: no ping may arrive in that window.
    const before = socket.messages.length
    const blockedAt = socket.messages.at(-1)?.at ?? 0
    daemon.child.kill('SIGUSR2')
    await new Promise((r) => setTimeout(r, 3500))
    await until(() => socket.messages.filter((m) => m.text === 'WATCHDOG=1').length > pings.length + 2)
    const during = socket.messages.slice(before).filter((m) => m.text === 'WATCHDOG=1')
    const firstAfter = during[0]?.at ?? 0
    expect(firstAfter - blockedAt).toBeGreaterThan(2500)

    daemon.child.kill('SIGTERM')
    expect((await daemon.exited).code).toBe(0)
    await until(() => socket.messages.some((m) => m.text === 'STOPPING=1'))
    const stopping = socket.messages.findIndex((m) => m.text === 'STOPPING=1')
    expect(socket.messages.slice(stopping + 1).some((m) => m.text === 'WATCHDOG=1')).toBe(false)
  }, 30_000)
})
