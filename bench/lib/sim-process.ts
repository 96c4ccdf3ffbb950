import { type ChildProcess, spawn } from 'node:child_process'
import { MAIN_JS } from '../../test/helpers/daemon-process.js'
import { freePort } from '../../test/helpers/free-port.js'

/** What a benchmark needs of a simulator: where it listens, and how to end it. */
export interface SimEndpoint {
  readonly baseUrl: string
  stop(): Promise<void>
}

/**
 * `tillbridge simulator` as a process of its own, as Vipps is to a store. In the benchmark's
 * process it would share an event loop with the till whose latency is being measured: the till's
 * `result` frame and the daemon's create then arrive at the same loop, and the simulator's answer
 * waits behind the till's bookkeeping.
 */
export async function startSimulatorProcess(): Promise<SimEndpoint> {
  const port = await freePort()
  const child = spawn(process.execPath, [MAIN_JS, 'simulator', '--port', String(port), '--host', '127.0.0.1'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const baseUrl = `http://127.0.0.1:${port}`
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  await untilListening(baseUrl, child)
  return {
    baseUrl,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}

async function untilListening(baseUrl: string, child: ChildProcess): Promise<void> {
  const end = performance.now() + 10_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`tillbridge simulator exited with ${child.exitCode}`)
    try {
      await (await fetch(`${baseUrl}/`)).text()
      return
    } catch {
      if (performance.now() > end) throw new Error(`tillbridge simulator did not listen on ${baseUrl} in 10 s`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }
}
