import { randomBytes, randomUUID } from 'node:crypto'
import QRCode from 'qrcode'
import { TillClient, TillClientError } from '../client/index.js'
import { sha256Hex } from '../config/secrets.js'
import type { Payment } from '../protocol/index.js'
import { TillbridgeError } from '../shared/errors.js'
import { EXIT } from '../shared/exit-codes.js'
import { parseFlags } from './args.js'
import type { CliIo, Command } from './io.js'

/** Exit codes of `till pay` (README, "The demo till"). */
export const PAY_EXIT = {
  /** Captured (or, with --manual, authorized and waiting for the till's capture). */
  OK: EXIT.OK,
  /** The daemon could not be reached, refused the token, or answered with an error. */
  ERROR: EXIT.FAILURE,
  /** The payment ended without money taken: declined, expired, failed or cancelled. */
  NOT_PAID: 2,
  USAGE: EXIT.USAGE,
  /** Interrupted (Ctrl-C): the payment was cancelled. */
  INTERRUPTED: 130,
} as const

export const DEMO_TOKEN = 'tillbridge-demo-till-token'
const DEFAULT_URL = 'ws://127.0.0.1:8787/v1'
const USAGE =
  'tillbridge till add NAME\n' +
  '       tillbridge till pay AMOUNT (--phone MSISDN | --qr) [--manual] [--currency NOK] [--url URL] [--token T]'

export const tillCommand: Command = {
  name: 'till',
  summary: 'demo till: `till add NAME` makes a till token; `till pay 125.50 --phone …` takes a payment',
  usage: USAGE,
  async run(args, io) {
    const [sub, ...rest] = args
    if (sub === 'add') return addTill(rest, io)
    if (sub === 'pay') return pay(rest, io)
    throw new TillbridgeError('USAGE', sub === undefined ? 'say add or pay' : `unknown till command "${sub}"`)
  },
}

function addTill(args: string[], io: CliIo): number {
  const { positionals } = parseFlags(args, {}, true)
  const [name, extra] = positionals
  if (name === undefined || extra !== undefined || !/^[A-Za-z0-9._-]{1,64}$/.test(name)) {
    throw new TillbridgeError('USAGE', 'NAME must be 1–64 characters of A-Z a-z 0-9 . _ -')
  }
  const token = randomBytes(32).toString('base64url')
  io.stdout(
    `Token for till "${name}" (shown only now; configure it on the till and keep it secret):\n\n  ${token}\n\n` +
      `Add this entry to gateway.tills in the daemon's config, then restart the daemon:\n\n` +
      `  ${JSON.stringify({ id: name, tokenSha256: sha256Hex(token) })}\n`,
  )
  return EXIT.OK
}

/** "125.50" → 12550 minor units; at most two decimals, more than zero. */
export function parseAmount(text: string): number {
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text)
  const minor = match ? Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0')) : 0
  if (minor <= 0) throw new TillbridgeError('USAGE', `AMOUNT must be like 125.50 and above zero, not "${text}"`)
  return minor
}

async function pay(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(
    args,
    {
      phone: { type: 'string' },
      qr: { type: 'boolean' },
      manual: { type: 'boolean' },
      currency: { type: 'string', default: 'NOK' },
      url: { type: 'string', default: DEFAULT_URL },
      token: { type: 'string', default: DEMO_TOKEN },
      timeout: { type: 'string', default: '900' },
    },
    true,
  )
  const [amountText, extra] = positionals
  if (amountText === undefined || extra !== undefined) throw new TillbridgeError('USAGE', 'give one AMOUNT')
  if ((values.phone === undefined) === (values.qr !== true)) {
    throw new TillbridgeError('USAGE', 'give either --phone MSISDN (push to the app) or --qr (show a QR code)')
  }
  const currency = values.currency
  if (currency !== 'NOK' && currency !== 'DKK' && currency !== 'EUR') {
    throw new TillbridgeError('USAGE', '--currency must be NOK, DKK or EUR')
  }
  const amount = { value: parseAmount(amountText), currency } as const
  const key = `demo-${randomUUID().slice(0, 13)}`
  const progress = new Progress(io)
  const client = new TillClient({
    url: values.url,
    token: values.token,
    reconnect: { minDelayMs: 250, maxDelayMs: 2000 },
    onEvent: async (event) => {
      if (event.payment.key === key) await progress.show(event.payment)
    },
    onStatus: (provider) => {
      if (provider.state !== 'ok')
        io.stdout(`provider ${provider.state}${provider.detail ? `: ${provider.detail}` : ''}\n`)
    },
  })
  const onAbort = () => void client.cancelPayment(key).catch(() => {})
  io.signal.addEventListener('abort', onAbort, { once: true })
  try {
    const welcome = await client.connect()
    if (welcome.provider.kind === 'simulator') {
      progress.simulated = true
      io.stdout('SIMULATOR: the daemon runs the built-in Vipps simulator; no money moves\n')
    }
    io.stdout(`sale ${key}: ${amountText} ${currency} by ${values.qr ? 'QR code' : 'push to the app'}\n`)
    const created = await client.createPayment({
      key,
      amount,
      description: 'tillbridge demo till',
      capture: values.manual ? 'manual' : 'auto',
      ...(values.qr
        ? { flow: 'qr' as const }
        : { flow: 'push' as const, customer: { phoneNumber: values.phone ?? '' } }),
    })
    await progress.show(created.payment)
    const wanted = values.manual ? 'authorized' : 'captured'
    const end = await client.waitFor(key, wanted, Number(values.timeout) * 1000)
    await progress.show(end)
    if (values.manual) io.stdout('reserved: the till must now capture (goods delivered) or cancel it\n')
    return PAY_EXIT.OK
  } catch (err) {
    if (err instanceof TillClientError && err.code === 'ENDED') {
      if (err.payment) await progress.show(err.payment)
      if (io.signal.aborted) return PAY_EXIT.INTERRUPTED
      return PAY_EXIT.NOT_PAID
    }
    if (io.signal.aborted) return PAY_EXIT.INTERRUPTED
    const code = err instanceof TillClientError ? err.code : 'ERROR'
    io.stderr(`tillbridge till pay: ${code}: ${err instanceof Error ? err.message : String(err)}\n`)
    return PAY_EXIT.ERROR
  } finally {
    io.signal.removeEventListener('abort', onAbort)
    await client.close()
  }
}

/** Prints each new status once, and the QR code once Vipps has answered with its URL. */
class Progress {
  readonly #io: CliIo
  #printed = new Set<string>()
  #qrShown = false
  /** The daemon said provider.kind "simulator": every amount is said to be simulated. */
  simulated = false

  constructor(io: CliIo) {
    this.#io = io
  }

  async show(payment: Payment): Promise<void> {
    if (payment.qr && !this.#qrShown) {
      this.#qrShown = true
      const drawing = await QRCode.toString(payment.qr.url, { type: 'terminal', small: true })
      this.#io.stdout(`scan with the Vipps or MobilePay app:\n${drawing}${payment.qr.url}\n`)
    }
    if (this.#printed.has(payment.status)) return
    this.#printed.add(payment.status)
    const note =
      this.simulated && ['authorized', 'captured'].includes(payment.status) ? ' (simulated: no money moved)' : ''
    this.#io.stdout(`${payment.status}${explain(payment)}${note}\n`)
  }
}

function explain(p: Payment): string {
  const money = (minor: number) => `${(minor / 100).toFixed(2)} ${p.amount.currency}`
  switch (p.status) {
    case 'queued':
      return ': accepted by the daemon, sending to Vipps MobilePay'
    case 'pending':
      return `: waiting for the customer (reference ${p.reference})`
    case 'authorized':
      return `: ${money(p.amount.value)} reserved`
    case 'captured':
      return `: ${money(p.captured)} taken`
    default:
      return p.failure ? `: ${p.failure.code} ${p.failure.message}` : ''
  }
}
