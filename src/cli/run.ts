import { App } from '../app/app.js'
import { createContext } from '../app/context.js'
import { loadConfig } from '../config/load.js'
import { loadSecrets } from '../config/secrets.js'
import { TillbridgeError } from '../shared/errors.js'
import { EXIT } from '../shared/exit-codes.js'
import { StartupTimeline } from '../shared/startup-timeline.js'
import { enabledTestHooks } from '../shared/test-hooks.js'
import { CONFIG_FLAG, parseFlags } from './args.js'
import type { Command } from './io.js'
import { exitCodeFor, reportError } from './report-error.js'

export const runCommand: Command = {
  name: 'run',
  summary: 'run the daemon until SIGINT or SIGTERM',
  usage: 'tillbridge run [--config FILE]',
  async run(args, io) {
    // By now this command's modules (nearly all of the daemon) are loaded.
    const startup = io.startup ?? new StartupTimeline()
    startup.mark('modules')
    const { values } = parseFlags(args, CONFIG_FLAG)
    let app: App
    try {
      const { config } = loadConfig(values.config, io.env)
      const secrets = loadSecrets(config, io.env)
      startup.mark('config')
      app = new App(
        createContext(config, secrets, {
          runtime: { env: io.env, pid: io.pid, startup, ...(io.logStream ? { logStream: io.logStream } : {}) },
          ...(io.testHooks ? { testHooks: io.testHooks } : {}),
        }),
      )
      startup.mark('context')
    } catch (err) {
      return reportError(err, io)
    }
    const log = app.context.log.child({ subsystem: 'main' })
    const hooks = io.testHooks ? enabledTestHooks(io.testHooks) : []
    if (hooks.length > 0) log.warn('test hooks on: this daemon is broken on purpose', { hooks })
    const fatal = new Promise<Error>((resolve) => app.context.fatal.onFatal(resolve))
    try {
      await app.start()
    } catch (err) {
      log.error('start-up failed', { err })
      return reportError(err, io)
    }
    // Signal handlers do not keep Node's event loop alive; the daemon must wait for them.
    const keepAlive = setInterval(() => {}, 1 << 30)
    const stopSignal = new Promise<'signal'>((resolve) => {
      if (io.signal.aborted) resolve('signal')
      io.signal.addEventListener('abort', () => resolve('signal'), { once: true })
    })
    const reason = await Promise.race([stopSignal, fatal])
    clearInterval(keepAlive)
    if (reason === 'signal') {
      log.info('stopping', { signal: String(io.signal.reason ?? 'signal') })
      await app.stop()
      return EXIT.OK
    }
    log.error('fatal error; stopping', { err: reason })
    await app.stop()
    return reason instanceof TillbridgeError ? exitCodeFor(reason) : EXIT.FAILURE
  },
}
