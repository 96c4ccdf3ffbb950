import { TillbridgeError } from '../shared/errors.js'
import { EXIT } from '../shared/exit-codes.js'
import { VERSION } from '../shared/version.js'
import { certifyCommand } from './certify.js'
import { checkConfigCommand } from './check-config.js'
import { doctorCommand } from './doctor.js'
import type { CliIo, Command } from './io.js'
import { migrateCommand } from './migrate.js'
import { paymentsCommand } from './payments.js'
import { reconcileCommand } from './reconcile.js'
import { reportError } from './report-error.js'
import { runCommand } from './run.js'
import { simulatorCommand } from './simulator.js'
import { tillCommand } from './till.js'

/** The subcommand table; each command lives in its own file. */
export const COMMANDS: Command[] = [
  runCommand,
  migrateCommand,
  checkConfigCommand,
  doctorCommand,
  paymentsCommand,
  reconcileCommand,
  simulatorCommand,
  tillCommand,
  certifyCommand,
]

export function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length))
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`)
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
    io.stdout(helpText())
    return first === undefined ? EXIT.USAGE : EXIT.OK
  }
  if (first === '--version' || first === '-v') {
    io.stdout(`${VERSION}\n`)
    return EXIT.OK
  }
  const command = COMMANDS.find((c) => c.name === first)
  if (!command) {
    io.stderr(`tillbridge: unknown command "${first}"\n\n${helpText()}`)
    return EXIT.USAGE
  }
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
