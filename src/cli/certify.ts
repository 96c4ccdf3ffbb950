import { resolve } from 'node:path'
import { certify, checkCertifyOptions } from '../certify/certify.js'
import { FLOWS } from '../certify/flows.js'
import { writeReports } from '../certify/report.js'
import { loadConfig } from '../config/load.js'
import { loadSecrets } from '../config/secrets.js'
import { createSystemClock } from '../shared/clock.js'
import { TillbridgeError } from '../shared/errors.js'
import { EXIT } from '../shared/exit-codes.js'
import { CONFIG_FLAG, parseFlags } from './args.js'
import type { Command } from './io.js'

const CURRENCIES = ['NOK', 'DKK', 'EUR'] as const

export const certifyCommand: Command = {
  name: 'certify',
  summary: "run Vipps' go-live checklist through the daemon and write the evidence (Markdown + JSON)",
  usage:
    'tillbridge certify [--config FILE] [--phone MSISDN] [--out DIR] [--currency NOK|DKK|EUR] [--only FLOW,…] [--wait SECONDS] [--production]',
  async run(args, io) {
    const { values } = parseFlags(args, {
      ...CONFIG_FLAG,
      phone: { type: 'string' },
      out: { type: 'string' },
      currency: { type: 'string' },
      only: { type: 'string' },
      wait: { type: 'string' },
      production: { type: 'boolean' },
    })
    const phoneNumber = values.phone
    if (phoneNumber !== undefined && !/^[0-9]{10,15}$/.test(phoneNumber)) {
      throw new TillbridgeError('USAGE', '--phone must be 10–15 digits with the country code, e.g. 4791234567')
    }
    const currency = values.currency ?? 'NOK'
    if (!CURRENCIES.includes(currency as (typeof CURRENCIES)[number])) {
      throw new TillbridgeError('USAGE', '--currency must be NOK, DKK or EUR')
    }
    const waitSeconds = Number(values.wait ?? '60')
    if (!Number.isInteger(waitSeconds) || waitSeconds < 1 || waitSeconds > 3600) {
      throw new TillbridgeError('USAGE', '--wait must be a whole number of seconds from 1 to 3600')
    }
    const only = values.only?.split(',').map((f) => f.trim())
    const { config } = loadConfig(values.config, io.env)
    const production = values.production === true
    checkCertifyOptions({ config, production, phoneNumber, only })
    const outDir = resolve(values.out ?? 'certify')
    const count = only?.length ?? FLOWS.length
    io.stdout(
      production
        ? `certify: production (${config.provider.baseUrl}): read checks only, no money moves\n`
        : `certify: ${count} flows against ${config.provider.kind === 'simulator' ? 'the embedded simulator' : config.provider.baseUrl}; ` +
            `each waits for Vipps' polling rhythm (first read after ${config.payments.pollFirstDelayMs / 1000} s), about 15 s in all\n`,
    )
    const report = await certify({
      config,
      secrets: () => loadSecrets(config, io.env),
      phoneNumber,
      outDir,
      production,
      currency: currency as (typeof CURRENCIES)[number],
      only,
      waitMs: waitSeconds * 1000,
      clock: createSystemClock(),
      fetch: globalThis.fetch,
      progress: (line) => io.stdout(`${line}\n`),
    })
    const files = writeReports(outDir, report)
    const failed = report.flows.filter((f) => !f.ok).map((f) => f.id)
    io.stdout(`reports: ${files.markdown}\n         ${files.json}\n`)
    if (report.ok) {
      io.stdout('certify: every check behaved\n')
      return EXIT.OK
    }
    io.stderr(`certify: FAILED${failed.length > 0 ? `: ${failed.join(', ')}` : ' (read checks)'}\n`)
    return EXIT.CHECK_FAILED
  },
}
