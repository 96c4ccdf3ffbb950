import { execFile } from 'node:child_process'

/**
 * Sends sd_notify(3) messages. Node has no Unix datagram sockets, so this calls the
 * `systemd-notify` tool (the unit sets NotifyAccess=all); since systemd 246 it waits for the
 * manager to take the message (a barrier), so READY=1 cannot race the process.
 * Without NOTIFY_SOCKET (not under systemd) every call is a no-op.
 */
export interface Notifier {
  readonly enabled: boolean
  send(...assignments: string[]): Promise<void>
}

export type ExecFileFn = (
  file: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; timeout: number },
  callback: (err: Error | null) => void,
) => void

export function createNotifier(env: NodeJS.ProcessEnv, pid: number, exec: ExecFileFn = execFile): Notifier {
  const socket = env.NOTIFY_SOCKET
  return {
    enabled: Boolean(socket),
    send: (...assignments) =>
      new Promise((resolve, reject) => {
        if (!socket) {
          resolve()
          return
        }
        exec(
          'systemd-notify',
          [`--pid=${pid}`, ...assignments],
          { env: { PATH: env.PATH, NOTIFY_SOCKET: socket }, timeout: 5000 },
          (err) => (err ? reject(err) : resolve()),
        )
      }),
  }
}

/**
 * The watchdog interval systemd asked for, halved as sd_watchdog_enabled(3) recommends;
 * undefined when there is no watchdog or it is meant for another process.
 */
export function watchdogIntervalMs(env: NodeJS.ProcessEnv, pid: number): number | undefined {
  const usec = Number(env.WATCHDOG_USEC)
  if (!Number.isFinite(usec) || usec <= 0) return undefined
  if (env.WATCHDOG_PID && Number(env.WATCHDOG_PID) !== pid) return undefined
  return Math.max(1, Math.floor(usec / 1000 / 2))
}
