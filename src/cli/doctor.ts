import { createSilentLogger } from '../log/logger.js'
import { anyFailed } from '../ops/doctor/check.js'
import { runDoctor } from '../ops/doctor/doctor.js'
import { formatReport, reportJson } from '../ops/doctor/report.js'
import { createSystemClock } from '../shared/clock.js'
import { EXIT } from '../shared/exit-codes.js'
import { CONFIG_FLAG, parseFlags } from './args.js'
import type { Command } from './io.js'

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'check config, secrets, Vipps keys and sales units, clock, disk and journal; say how to fix',
  usage: 'tillbridge doctor [--config FILE] [--json]',
  async run(args, io) {
    const { values } = parseFlags(args, { ...CONFIG_FLAG, json: { type: 'boolean' } })
    const report = await runDoctor({
      configPath: values.config,
      env: io.env,
      clock: createSystemClock(),
      fetch: globalThis.fetch,
      log: createSilentLogger(),
    })
    io.stdout(values.json ? reportJson(report) : formatReport(report))
    return anyFailed(report.results) ? EXIT.CHECK_FAILED : EXIT.OK
  },
}
