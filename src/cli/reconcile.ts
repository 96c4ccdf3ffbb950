import { loadConfig } from '../config/load.js'
import { loadSecrets } from '../config/secrets.js'
import { createSilentLogger } from '../log/logger.js'
import { discrepancyCount } from '../ops/reconcile/compare.js'
import { dayOf, parseDay, storeTimeZone } from '../ops/reconcile/day.js'
import { formatReconcileCsv, formatReconcileText } from '../ops/reconcile/format.js'
import { reconcileDay } from '../ops/reconcile/reconcile.js'
import { reconcileSources } from '../ops/reconcile/sources.js'
import { openVippsSession } from '../ops/vipps-session.js'
import { createSystemClock } from '../shared/clock.js'
import { EXIT } from '../shared/exit-codes.js'
import { CONFIG_FLAG, parseFlags } from './args.js'
import type { Command } from './io.js'
import { withPaymentSupport } from './journal-read.js'

export const reconcileCommand: Command = {
  name: 'reconcile',
  summary: "compare a day's payments in the journal with Vipps; list discrepancies and totals (exit 3 if any)",
  usage: 'tillbridge reconcile [--config FILE] [--date YYYY-MM-DD] [--csv]',
  async run(args, io) {
    const { values } = parseFlags(args, { ...CONFIG_FLAG, date: { type: 'string' }, csv: { type: 'boolean' } })
    if (values.date !== undefined) parseDay(values.date)
    const { config } = loadConfig(values.config, io.env)
    const secrets = loadSecrets(config, io.env)
    const clock = createSystemClock()
    const timeZone = storeTimeZone(config)
    const date = values.date ?? dayOf(clock.now(), timeZone)
    const log = createSilentLogger()
    const session = await openVippsSession(config, secrets, { clock, fetch: globalThis.fetch, log }, 'daemon')
    try {
      const report = await withPaymentSupport(config, (_support, db) =>
        reconcileDay(date, timeZone, reconcileSources(db, session.clients, config.payments.referencePrefix)),
      )
      io.stdout(values.csv ? formatReconcileCsv(report) : formatReconcileText(report))
      return discrepancyCount(report) > 0 ? EXIT.CHECK_FAILED : EXIT.OK
    } finally {
      await session.stop()
    }
  },
}
