import { dirname, join } from 'node:path'
import type { Config } from '../../config/schema.js'
import type { Logger } from '../../log/logger.js'
import type { Clock } from '../../shared/clock.js'
import type { Journal } from '../../store/journal.js'
import type { VippsClients } from '../../vipps/clients.js'
import { storeTimeZone } from './day.js'
import { NightlyReconcile } from './nightly-job.js'
import type { ReconcileSources } from './reconcile.js'
import { reconcileDay } from './reconcile.js'
import { reconcileSources } from './sources.js'

/**
 * The daemon's nightly reconciliation: its own journal connection (reads beside its writes) and
 * its own Vipps clients, so it also works with the embedded simulator. Reports go to
 * `reconcile.dir`, else a `reconcile` folder beside the journal (inside systemd's StateDirectory).
 */
export function nightlyReconcile(
  config: Config,
  deps: { journal: Journal; vipps: VippsClients; clock: Clock; log: Logger },
): NightlyReconcile {
  const timeZone = storeTimeZone(config)
  let sources: ReconcileSources | undefined
  return new NightlyReconcile({
    cron: config.reconcile.cron,
    timeZone,
    dir: config.reconcile.dir ?? join(dirname(config.journal.path), 'reconcile'),
    clock: deps.clock,
    log: deps.log.child({ subsystem: 'reconcile' }),
    reconcile: (date, probe) => {
      // Built on first use: the journal is open only after it started.
      sources ??= reconcileSources(deps.journal.db, deps.vipps, config.payments.referencePrefix)
      return reconcileDay(date, timeZone, sources, { probe })
    },
  })
}
