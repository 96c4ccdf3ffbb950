import { loadConfig } from '../config/load.js'
import { createSystemClock } from '../shared/clock.js'
import { EXIT } from '../shared/exit-codes.js'
import { openDatabase } from '../store/db.js'
import { migrate } from '../store/migrate.js'
import { CONFIG_FLAG, parseFlags } from './args.js'
import type { Command } from './io.js'
import { reportError } from './report-error.js'

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'apply pending journal migrations and exit',
  usage: 'tillbridge migrate [--config FILE]',
  async run(args, io) {
    const { values } = parseFlags(args, CONFIG_FLAG)
    try {
      const { config } = loadConfig(values.config, io.env)
      const db = openDatabase(config.journal.path, { busyTimeoutMs: config.journal.busyTimeoutMs })
      try {
        const report = migrate(db, createSystemClock())
        const names = report.applied.map((m) => `${String(m.version).padStart(4, '0')}_${m.name}`)
        io.stdout(
          names.length > 0
            ? `applied ${names.join(', ')}; ${config.journal.path} is at version ${report.current}\n`
            : `${config.journal.path} is up to date at version ${report.current}\n`,
        )
      } finally {
        db.close()
      }
      return EXIT.OK
    } catch (err) {
      return reportError(err, io)
    }
  },
}
