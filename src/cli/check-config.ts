import { configJsonSchema, loadConfig } from '../config/load.js'
import { loadSecrets } from '../config/secrets.js'
import { loudWarnings } from '../ops/loud-warnings.js'
import { EXIT } from '../shared/exit-codes.js'
import { CONFIG_FLAG, parseFlags } from './args.js'
import type { Command } from './io.js'
import { reportError } from './report-error.js'

export const checkConfigCommand: Command = {
  name: 'check-config',
  summary: 'validate the configuration and secrets; print every problem',
  usage: 'tillbridge check-config [--config FILE] [--schema]',
  async run(args, io) {
    const { values } = parseFlags(args, { ...CONFIG_FLAG, schema: { type: 'boolean' } })
    if (values.schema) {
      io.stdout(`${JSON.stringify(configJsonSchema(), null, 2)}\n`)
      return EXIT.OK
    }
    try {
      const { config, source } = loadConfig(values.config, io.env)
      const secrets = loadSecrets(config, io.env)
      io.stdout(
        `${source}: OK (provider ${config.provider.kind}, ${config.gateway.tills.length} till(s), ` +
          `${secrets.credentialSets.size} credential set(s), journal ${config.journal.path})\n`,
      )
      for (const warning of loudWarnings(config)) io.stdout(`warning: ${warning.message}\n`)
      return EXIT.OK
    } catch (err) {
      return reportError(err, io)
    }
  },
}
