#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --optimize-for-size --max-old-space-size=300
/**
 * The process entry point and the only file that touches process.*: arguments, signals,
 * the exit code, and the last-resort forced exit. The #! line carries NODE_ENV and NODE_FLAGS
 * (src/shared/node-flags.ts; `env -S` splits them), so `tillbridge` runs as the unit runs it.
 */
import { runCli } from './cli/index.js'
import { enableCompileCache } from './shared/compile-cache.js'
import { EXIT } from './shared/exit-codes.js'
import { StartupTimeline } from './shared/startup-timeline.js'
import { parseTestHooks, type TestHooks } from './shared/test-hooks.js'

// Node's own start-up (and these few imports) ends here; a command loads its modules itself.
const startup = new StartupTimeline()
startup.mark('main')
// Before a command imports its modules: on Node ≥ 22.1 they load from V8's code cache.
enableCompileCache(process.env, process.getuid?.())

const FORCED_EXIT_GRACE_MS = 30_000

const controller = new AbortController()
let signals = 0
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    signals += 1
    if (signals > 1) {
      // A second signal during shutdown means the operator wants out now.
      process.stderr.write(`tillbridge: second ${sig}, exiting at once\n`)
      process.exit(130)
    }
    controller.abort(sig)
    // Last resort if a component hangs past every deadline of its own.
    setTimeout(() => process.exit(2), FORCED_EXIT_GRACE_MS).unref()
  })
}

// Test-only switches (src/shared/test-hooks.ts). Never set in production.
let testHooks: TestHooks
try {
  testHooks = parseTestHooks(process.env.TILLBRIDGE_TEST_HOOKS)
} catch (err) {
  process.stderr.write(`tillbridge: ${(err as Error).message}\n`)
  process.exit(EXIT.USAGE)
}

// Lets the notify/watchdog test block the event loop on demand.
if (testHooks.blockOnSigusr2) {
  process.on('SIGUSR2', () => {
    const until = Date.now() + 3000
    while (Date.now() < until) {
      // busy-wait: the event loop is blocked, so no timer (and no watchdog ping) can run
    }
  })
}

const exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  pid: process.pid,
  logStream: process.stdout,
  signal: controller.signal,
  testHooks,
  startup,
})
process.exitCode = exitCode
