import { TillbridgeError } from '../shared/errors.js'
import { EXIT } from '../shared/exit-codes.js'
import { VERSION } from '../shared/version.js'
import type { CliIo, Command } from './io.js'
import { reportError } from './report-error.js'

/**
 * The subcommand table; each command lives in its own file and is imported only when named, so
 * `run` never loads the simulator, certify, doctor, reconcile's report or QR rendering (memory
 * and start-up time, docs/performance.md).
 */
export const COMMANDS: ReadonlyArray<{ name: string; load: () => Promise<Command> }> = [
  { name: 'run', load: async () => (await import('./run.js')).runCommand },
  { name: 'migrate', load: async () => (await import('./migrate.js')).migrateCommand },
  { name: 'check-config', load: async () => (await import('./check-config.js')).checkConfigCommand },
  { name: 'doctor', load: async () => (await import('./doctor.js')).doctorCommand },
  { name: 'payments', load: async () => (await import('./payments.js')).paymentsCommand },
  { name: 'reconcile', load: async () => (await import('./reconcile.js')).reconcileCommand },
  { name: 'simulator', load: async () => (await import('./simulator.js')).simulatorCommand },
  { name: 'till', load: async () => (await import('./till.js')).tillCommand },
  { name: 'certify', load: async () => (await import('./certify.js')).certifyCommand },
]

/** Loads every command for its summary: help is rare, a daemon's start-up is not. */
export async function helpText(): Promise<string> {
  const commands = await Promise.all(COMMANDS.map((c) => c.load()))
  const width = Math.max(...commands.map((c) => c.name.length))
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`)
  return [
    'tillbridge: a till-side payment daemon for Vipps MobilePay',
    '',
    'Usage: tillbridge <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Options:',
    "  --help, -h     show this help (or a command's, after its name)",
    '  --version, -v  print the version',
    '',
    'Configuration: --config FILE, else $TILLBRIDGE_CONFIG, else config/default.json;',
    'TILLBRIDGE_SECTION__KEY=value overrides one key.',
    '',
  ].join('\n')
}

/** Runs one command line; returns the exit code. Never calls process.exit. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.stdout(await helpText())
    return first === undefined ? EXIT.USAGE : EXIT.OK
  }
  if (first === '--version' || first === '-v') {
    io.stdout(`${VERSION}\n`)
    return EXIT.OK
  }
  const entry = COMMANDS.find((c) => c.name === first)
  if (!entry) {
    io.stderr(`tillbridge: unknown command "${first}"\n\n${await helpText()}`)
    return EXIT.USAGE
  }
  const command = await entry.load()
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${command.usage}\n\n${command.summary}\n`)
    return EXIT.OK
  }
  try {
    return await command.run(rest, io)
  } catch (err) {
    if (err instanceof TillbridgeError && err.code === 'USAGE') {
      io.stderr(`tillbridge ${command.name}: ${err.message}\nUsage: ${command.usage}\n`)
      return EXIT.USAGE
    }
    return reportError(err, io)
  }
}
