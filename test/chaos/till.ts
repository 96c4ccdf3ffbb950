import {
  type EventFrame,
  type Payment,
  type PaymentResult,
  type PaymentStatus,
  TillClient,
  TillClientError,
} from '../../src/client/index.js'
import type { Prng } from '../../src/simulator/prng.js'
import type { TillIdentity } from '../helpers/daemon-setup.js'
import { newRequest, type PaymentRecord, type RequestRecord, type TillLog } from './records.js'
import { continueSale, createInput, newSale, pickScenario, type Sale } from './scenarios.js'

export interface ChaosTillOptions {
  identity: TillIdentity
  url: string
  rng: Prng
  /** Every payment of the run, shared by all tills (the run's ground truth). */
  payments: PaymentRecord[]
  /** Requests stop being retried after this (epoch ms); their outcome stays unknown. */
  giveUpAt: () => number
}

/** One life of a till: a client and the sale it is working on. A crash ends it. */
interface Incarnation {
  client: TillClient
  dead: boolean
  sale: PaymentRecord | undefined
  selling: Promise<void>
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * A till of the chaos run. It sells through the till client library; it can crash (drop its
 * socket and forget everything but the last event seq it processed, which a real till keeps on
 * disk) and come back with `resumeFrom`. Every event it processes is logged for the checker.
 */
export class ChaosTill {
  readonly log: TillLog
  readonly #o: ChaosTillOptions
  #life: Incarnation | undefined
  /** This till's sales by key. */
  readonly #mine = new Map<string, PaymentRecord>()
  /** The one thing a till keeps across its own crashes: the last seq it processed. */
  #persistedSeq = 0
  /** The receipt counter, kept across crashes too, so every sale has a new key. */
  #sales = 0
  #selling = false

  constructor(options: ChaosTillOptions) {
    this.#o = options
    this.log = { tillId: options.identity.id, processed: [], crashes: 0, lastSeen: new Map() }
  }

  /** Comes up (again): connects, resumes after the persisted seq, and sells while `selling`. */
  boot(selling: boolean): void {
    if (this.#life) return
    this.#selling = selling
    const client = new TillClient({
      url: this.#o.url,
      token: this.#o.identity.token,
      resumeFrom: this.#persistedSeq,
      reconnect: { minDelayMs: 50, maxDelayMs: 300 },
      requestTimeoutMs: 5000,
      onEvent: (e) => this.#process(life, e),
    })
    const life: Incarnation = { client, dead: false, sale: undefined, selling: Promise.resolve() }
    this.#life = life
    // Requests wait for the first welcome; connect() opens the socket (and reconnects from then on).
    client.connect().catch(() => {})
    life.selling = this.#sell(life)
  }

  /** The till process dies: its socket drops and its memory is gone. */
  async crash(): Promise<void> {
    if (!this.#life) return
    this.log.crashes++
    await this.#end()
  }

  /** Stops starting new sales; resolves when the current one has run its course. */
  async stopSelling(): Promise<void> {
    this.#selling = false
    await this.#life?.selling
  }

  /** The daemon's view of a payment, asked until answered; undefined for NOT_FOUND. */
  async lookUp(key: string): Promise<Payment | undefined> {
    const life = this.#life
    if (!life) throw new Error(`${this.log.tillId} is not running`)
    for (;;) {
      try {
        return (await life.client.getPayment(key)).payment
      } catch (err) {
        if (err instanceof TillClientError && err.code === 'NOT_FOUND') return undefined
        if (!(err instanceof TillClientError) || !err.retryable || Date.now() > this.#o.giveUpAt()) throw err
        await sleep(100)
      }
    }
  }

  /** Reconnects once more and waits until every event up to the mailbox's newest is processed. */
  async catchUp(timeoutMs: number): Promise<void> {
    await this.#end()
    this.boot(false)
    const life = this.#life as Incarnation
    const welcome = await life.client.connect()
    this.log.finalLastSeq = welcome.lastSeq
    const end = Date.now() + timeoutMs
    while (this.#persistedSeq < welcome.lastSeq && Date.now() < end) await sleep(20)
  }

  async close(): Promise<void> {
    await this.#end()
  }

  async #end(): Promise<void> {
    const life = this.#life
    if (!life) return
    this.#life = undefined
    life.dead = true
    if (life.sale) life.sale.abandoned = true
    await life.client.close()
    await life.selling
  }

  #process(life: Incarnation, event: EventFrame): void {
    // A crashed till processes nothing more; unacked, the event comes again to its next life.
    if (life.dead) throw new Error('the till has crashed')
    this.log.processed.push(event.seq)
    this.log.lastSeen.set(event.payment.key, event.payment)
    this.#persistedSeq = event.seq
    const record = this.#mine.get(event.payment.key)
    if (record && !record.reference) record.reference = event.payment.reference
  }

  async #sell(life: Incarnation): Promise<void> {
    while (this.#selling && !life.dead) {
      const scenario = pickScenario(this.#o.rng)
      const key = `${this.log.tillId}-s${++this.#sales}`
      const amount = 1000 + this.#o.rng.int(19_000)
      const record = newSale(this.log.tillId, key, scenario, amount)
      this.#o.payments.push(record)
      this.#mine.set(key, record)
      life.sale = record
      const created = await this.#ask(life, record.create, () =>
        life.client.createPayment(createInput(scenario, key, amount)),
      )
      if (created) {
        record.reference = created.payment.reference
        await continueSale(scenario, this.#sale(life, record), this.#o.rng).catch((err: unknown) => {
          if (!(err instanceof TillClientError)) throw err
        })
      }
      life.sale = undefined
    }
  }

  #sale(life: Incarnation, record: PaymentRecord): Sale {
    const { client } = life
    const key = record.key
    const money = (value: number) => ({ value, currency: 'NOK' as const })
    return {
      record,
      capture: (amount) => {
        record.capture = { ...newRequest(), amount }
        return this.#ask(life, record.capture, () => client.capturePayment(key, money(amount)))
      },
      cancel: () => {
        record.cancel = newRequest()
        return this.#ask(life, record.cancel, () => client.cancelPayment(key))
      },
      refund: (refundKey, amount) => {
        if (amount <= 0) return Promise.resolve(undefined)
        const request = { ...newRequest(), amount }
        record.refunds.set(refundKey, request)
        return this.#ask(life, request, () => client.refundPayment(key, refundKey, money(amount)))
      },
      reaches: (statuses: PaymentStatus[], timeoutMs = 8000) =>
        client.waitFor(key, statuses, timeoutMs).catch((err: unknown) => {
          if (err instanceof TillClientError) return undefined
          throw err
        }),
    }
  }

  /**
   * Sends until the daemon answers, as a till must: a retryable failure (the daemon died, is
   * starting, or did not answer in time) sends the same request again, under the same key.
   */
  async #ask(life: Incarnation, request: RequestRecord, send: () => Promise<PaymentResult>) {
    while (!life.dead && Date.now() < this.#o.giveUpAt()) {
      request.attempts++
      try {
        const result = await send()
        request.outcome = 'answered'
        return result
      } catch (err) {
        if (!(err instanceof TillClientError)) throw err
        if (err.code === 'CLOSED') return undefined
        if (!err.retryable) {
          request.outcome = 'refused'
          request.code = err.code
          return undefined
        }
        await sleep(50)
      }
    }
    return undefined
  }
}
