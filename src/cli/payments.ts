import { loadConfig } from '../config/load.js'
import { dayBounds, storeTimeZone } from '../ops/reconcile/day.js'
import { PAYMENT_STATUSES, type PaymentStatus } from '../payments/types.js'
import { TillbridgeError } from '../shared/errors.js'
import { EXIT } from '../shared/exit-codes.js'
import { CONFIG_FLAG, parseFlags } from './args.js'
import type { CliIo, Command } from './io.js'
import { withPaymentSupport } from './journal-read.js'
import { detailJson, detailText, listText, paymentJson } from './payments-view.js'

const USAGE =
  'tillbridge payments list [--config FILE] [--till ID] [--status S] [--since YYYY-MM-DD] [--limit N] [--json]\n' +
  '       tillbridge payments show KEY|REFERENCE [--config FILE] [--till ID] [--json]'

/** Support reads of the journal: read-only, safe while the daemon runs. */
export const paymentsCommand: Command = {
  name: 'payments',
  summary: 'list payments, or show one with every call to Vipps and every status change (read-only)',
  usage: USAGE,
  async run(args, io) {
    const [sub, ...rest] = args
    if (sub === 'list') return list(rest, io)
    if (sub === 'show') return show(rest, io)
    throw new TillbridgeError('USAGE', sub === undefined ? 'say list or show' : `unknown payments command "${sub}"`)
  },
}

async function list(args: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(args, {
    ...CONFIG_FLAG,
    till: { type: 'string' },
    status: { type: 'string' },
    since: { type: 'string' },
    limit: { type: 'string' },
    json: { type: 'boolean' },
  })
  const status = values.status
  if (status !== undefined && !(PAYMENT_STATUSES as readonly string[]).includes(status)) {
    throw new TillbridgeError('USAGE', `--status must be one of ${PAYMENT_STATUSES.join(', ')}`)
  }
  const limit = values.limit === undefined ? 50 : Number(values.limit)
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) {
    throw new TillbridgeError('USAGE', '--limit must be an integer from 1 to 100000')
  }
  const { config } = loadConfig(values.config, io.env)
  const timeZone = storeTimeZone(config)
  const since = values.since === undefined ? undefined : dayBounds(values.since, timeZone).start
  const payments = await withPaymentSupport(config, (s) =>
    s.list({
      limit,
      ...(values.till === undefined ? {} : { tillId: values.till }),
      ...(status === undefined ? {} : { status: status as PaymentStatus }),
      ...(since === undefined ? {} : { since }),
    }),
  )
  io.stdout(values.json ? `${JSON.stringify(payments.map(paymentJson), null, 2)}\n` : listText(payments, timeZone))
  return EXIT.OK
}

async function show(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(
    args,
    { ...CONFIG_FLAG, till: { type: 'string' }, json: { type: 'boolean' } },
    true,
  )
  const [key, extra] = positionals
  if (key === undefined || extra !== undefined) throw new TillbridgeError('USAGE', 'name exactly one payment key')
  const { config } = loadConfig(values.config, io.env)
  return withPaymentSupport(config, (s) => {
    const found = s.find(key, values.till)
    const [only, ...others] = found
    if (!only) {
      io.stderr(
        `tillbridge payments: no payment with key or reference "${key}"${values.till ? ` for till ${values.till}` : ''}\n`,
      )
      return EXIT.FAILURE
    }
    if (others.length > 0) {
      const tills = found.map((p) => p.tillId).join(', ')
      throw new TillbridgeError('USAGE', `key "${key}" belongs to several tills (${tills}): add --till`)
    }
    const detail = s.detail(only)
    io.stdout(
      values.json ? `${JSON.stringify(detailJson(detail), null, 2)}\n` : detailText(detail, storeTimeZone(config)),
    )
    return EXIT.OK
  })
}
