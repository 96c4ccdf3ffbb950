// The daemon side of bench/gateway.mjs, in its own process so that its RSS is measured alone.
// It runs the real gateway (dist/) on a stand-in for the payments engine and the Vipps simulator,
// driven over IPC by the bench. @NOTE when the engine and simulator are on main, build the real
// ones here (createContext with provider.kind "simulator") instead of the stand-ins.
import { createHash } from 'node:crypto'
import { createServer } from 'node:http'
import { configSchema } from '../dist/config/schema.js'
import { TillGateway } from '../dist/gateway/server.js'
import { createSilentLogger } from '../dist/log/logger.js'
import { createSystemClock } from '../dist/shared/clock.js'

const tills = Number(process.env.BENCH_TILLS ?? 500)
const clock = createSystemClock()
const hashes = new Map()
for (let i = 0; i < tills; i++) hashes.set(`till-${i}`, sha256(`bench-token-${i}`))
hashes.set('till-latency', sha256('bench-token-latency'))

/** Answers POST /epayment/v1/payments as Vipps does, with no delay. */
const provider = createServer((req, res) => {
  let body = ''
  req.on('data', (chunk) => {
    body += chunk
  })
  req.on('end', () => {
    const { reference } = JSON.parse(body || '{}')
    res.writeHead(201, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ reference, redirectUrl: `https://sim.example/${reference}` }))
  })
})
await new Promise((resolve) => provider.listen(0, '127.0.0.1', resolve))
const providerUrl = `http://127.0.0.1:${provider.address().port}/epayment/v1/payments`

/** The smallest PaymentsApi that behaves like the engine on the create path. */
class StandInPayments {
  payments = new Map()
  boxes = new Map()
  listeners = new Set()
  references = 0
  sending = new Set()

  async create(tillId, input) {
    const id = `${tillId}\u0000${input.key}`
    const known = this.payments.get(id)
    if (known) return { payment: known, replayed: true }
    const now = new Date(clock.now()).toISOString()
    const payment = {
      key: input.key,
      reference: `bench-${++this.references}`,
      status: 'queued',
      flow: input.flow,
      capture: input.capture,
      amount: input.amount,
      captured: 0,
      refunded: 0,
      cancelled: 0,
      createdAt: now,
      updatedAt: now,
    }
    this.payments.set(id, payment)
    this.emit(tillId, payment)
    // The engine answers the till after COMMIT and sends to Vipps in its worker.
    const sent = this.send(tillId, id, payment).finally(() => this.sending.delete(sent))
    this.sending.add(sent)
    return { payment, replayed: false }
  }

  async send(tillId, id, payment) {
    const res = await fetch(providerUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': payment.reference },
      body: JSON.stringify({ reference: payment.reference, amount: payment.amount }),
    })
    await res.json()
    const pending = { ...payment, status: 'pending', updatedAt: new Date(clock.now()).toISOString() }
    this.payments.set(id, pending)
    this.emit(tillId, pending)
  }

  get(tillId, key) {
    return this.payments.get(`${tillId}\u0000${key}`)
  }

  eventsAfter(tillId, afterSeq, limit) {
    const box = this.boxes.get(tillId)
    return box ? box.events.filter((e) => e.seq > afterSeq).slice(0, limit) : []
  }

  lastSeq(tillId) {
    return this.boxes.get(tillId)?.lastSeq ?? 0
  }

  ack(tillId, seq) {
    const box = this.boxes.get(tillId)
    if (box) box.events = box.events.filter((e) => e.seq > seq)
  }

  onEvent(listener) {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  emit(tillId, payment) {
    let box = this.boxes.get(tillId)
    if (!box) {
      box = { lastSeq: 0, events: [] }
      this.boxes.set(tillId, box)
    }
    const event = { seq: ++box.lastSeq, payment }
    box.events.push(event)
    for (const l of this.listeners) l(tillId, event)
  }

  cancel() {
    throw new Error('not in the bench')
  }
  capture() {
    throw new Error('not in the bench')
  }
  refund() {
    throw new Error('not in the bench')
  }
}

const payments = new StandInPayments()
let port = 0
let gateway

async function startGateway() {
  // One till sends its creates back to back here, far above a real till's rate: lift the limiter.
  const gatewayConfig = { port, maxConnections: tills + 100, heartbeatMs: 30_000, maxRequestsPerSecond: 10_000 }
  const config = configSchema.parse({ gateway: gatewayConfig }).gateway
  gateway = new TillGateway({ config, tillTokenHashes: hashes, payments, clock, log: createSilentLogger() })
  await gateway.start()
  port = gateway.address().port
}

const commands = {
  async start() {
    await startGateway()
    return { url: `ws://127.0.0.1:${port}/v1`, providerUrl }
  },
  async stopGateway() {
    await gateway.stop()
    return {}
  },
  startGateway: async () => {
    await startGateway()
    return {}
  },
  /** Appends `count` events for every till while no till is connected (as a restart would leave them). */
  async emitEvents({ count }) {
    for (let i = 0; i < tills; i++) {
      const tillId = `till-${i}`
      const key = `offline-${i}`
      if (!payments.get(tillId, key))
        await payments.create(tillId, { key, amount: { value: 100, currency: 'NOK' }, flow: 'qr', capture: 'auto' })
      for (let n = 0; n < count; n++)
        payments.emit(tillId, { ...payments.get(tillId, key), updatedAt: new Date().toISOString() })
    }
    await Promise.all([...payments.sending])
    return { lastSeqs: Array.from({ length: tills }, (_, i) => payments.lastSeq(`till-${i}`)) }
  },
  async rss() {
    global.gc?.()
    return { rss: process.memoryUsage().rss, connections: gateway.connections }
  },
  async exit() {
    await gateway.stop()
    provider.close()
    setImmediate(() => process.exit(0))
    return {}
  },
}

process.on('message', async ({ id, cmd, args }) => {
  try {
    process.send({ id, ok: true, value: await commands[cmd](args ?? {}) })
  } catch (err) {
    process.send({ id, ok: false, error: String(err?.stack ?? err) })
  }
})
process.send({ ready: true })

function sha256(text) {
  return createHash('sha256').update(text).digest('hex')
}
