import { existsSync } from 'node:fs'
import type { Config } from '../config/schema.js'
import { PaymentSupport } from '../payments/support.js'
import { TillbridgeError } from '../shared/errors.js'
import { type Db, openDatabase } from '../store/db.js'

/**
 * Opens the journal read-only for a support command, safe beside the running daemon, and hands
 * the payments queries to `use`; the connection is closed afterwards, whatever happens.
 */
export async function withPaymentSupport<T>(
  config: Config,
  use: (support: PaymentSupport, db: Db) => Promise<T> | T,
): Promise<T> {
  const path = config.journal.path
  if (!existsSync(path)) {
    throw new TillbridgeError('CONFIG_INVALID', `no journal at ${path}: check journal.path (or --config)`)
  }
  const db = openDatabase(path, { busyTimeoutMs: config.journal.busyTimeoutMs, readonly: true })
  try {
    return await use(new PaymentSupport(db), db)
  } finally {
    db.close()
  }
}
