// Benchmark of the till gateway (npm run bench:gateway; builds first). It measures, in one run:
//  1. payment.create → `pending` event through the daemon (client → gateway → engine → provider
//     → event → client) against the same create sent directly with fetch: p50, p99, added ms;
//  2. the daemon's RSS with 500 tills connected;
//  3. the time for 500 tills to reconnect and resume at once after a gateway restart, and that
//     no event was lost or repeated.
// Targets: added p50 ≤ 2 ms, p99 ≤ 10 ms; RSS ≤ 150 MB; reconnect ≤ 2 s. It prints what it measured.
import { fork } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import { TillClient } from '../dist/client/index.js'

const TILLS = Number(process.env.BENCH_TILLS ?? 500)
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 300)
const OFFLINE_EVENTS = 3
const daemon = fork(new URL('./gateway-daemon.mjs', import.meta.url), [], {
  env: { ...process.env, BENCH_TILLS: String(TILLS) },
  execArgv: ['--expose-gc'],
})
let nextId = 1
const waiting = new Map()
daemon.on('message', (msg) => {
  const w = waiting.get(msg.id)
  if (!w) return
  waiting.delete(msg.id)
  if (msg.ok) w.resolve(msg.value)
  else w.reject(new Error(msg.error))
})
await new Promise((resolve) => daemon.once('message', resolve))
const call = (cmd, args) =>
  new Promise((resolve, reject) => {
    const id = nextId++
    waiting.set(id, { resolve, reject })
    daemon.send({ id, cmd, args })
  })

const { url, providerUrl } = await call('start')
const results = {}
const clients = []

try {
  results.latency = await measureLatency()
  results.memory = await measureMemory()
  results.reconnect = await measureReconnect()
} finally {
  await Promise.all(clients.map((c) => c.close()))
  await call('exit').catch(() => {})
}
report(results)

async function measureLatency() {
  const pendingAt = new Map()
  const till = new TillClient({
    url,
    token: 'bench-token-latency',
    onEvent: (e) => {
      if (e.payment.status === 'pending') pendingAt.get(e.payment.key)?.(performance.now())
    },
  })
  clients.push(till)
  await till.connect()
  const viaDaemon = []
  const direct = []
  for (let i = 0; i < SAMPLES + 20; i++) {
    const key = `lat-${i}`
    const seen = new Promise((resolve) => pendingAt.set(key, resolve))
    const t0 = performance.now()
    await till.createPayment({ key, amount: { value: 100, currency: 'NOK' }, flow: 'qr' })
    const t1 = await seen
    const d0 = performance.now()
    const res = await fetch(providerUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({ reference: key, amount: { value: 100, currency: 'NOK' } }),
    })
    await res.json()
    const d1 = performance.now()
    // The first 20 warm up the JIT and the connection pools.
    if (i >= 20) {
      viaDaemon.push(t1 - t0)
      direct.push(d1 - d0)
    }
  }
  const stats = (xs) => ({ p50: percentile(xs, 50), p99: percentile(xs, 99) })
  const a = stats(viaDaemon)
  const b = stats(direct)
  return { samples: SAMPLES, viaDaemon: a, direct: b, added: { p50: a.p50 - b.p50, p99: a.p99 - b.p99 } }
}

async function measureMemory() {
  const before = await call('rss')
  const tills = []
  for (let i = 0; i < TILLS; i++) {
    const client = new TillClient({ url, token: `bench-token-${i}`, reconnect: { minDelayMs: 100, maxDelayMs: 1000 } })
    clients.push(client)
    tills.push(client.connect())
  }
  await Promise.all(tills)
  await new Promise((r) => setTimeout(r, 500))
  const after = await call('rss')
  return { tills: after.connections, rssBefore: before.rss, rss: after.rss }
}

async function measureReconnect() {
  const tills = clients.slice(1)
  const seen = tills.map(() => [])
  // Fresh clients with handlers, resuming exactly where the connected ones are.
  for (const c of tills) await c.close()
  clients.length = 1
  const resumeFrom = tills.map((old) => Math.max(0, old.lastProcessedSeq))
  const resumed = tills.map((_old, i) => {
    const client = new TillClient({
      url,
      token: `bench-token-${i}`,
      resumeFrom: resumeFrom[i],
      reconnect: { minDelayMs: 100, maxDelayMs: 1000 },
      onEvent: (e) => void seen[i].push(e.seq),
    })
    clients.push(client)
    return client
  })
  await Promise.all(resumed.map((c) => c.connect()))
  await call('stopGateway')
  const { lastSeqs } = await call('emitEvents', { count: OFFLINE_EVENTS })
  const t0 = performance.now()
  await call('startGateway')
  await waitUntil(() => resumed.every((c, i) => c.lastProcessedSeq >= lastSeqs[i]), 30_000)
  const elapsed = performance.now() - t0
  const lost = resumed.reduce((n, _c, i) => n + (isExactly(seen[i], resumeFrom[i] + 1, lastSeqs[i]) ? 0 : 1), 0)
  return { tills: resumed.length, ms: elapsed, tillsWithLostOrRepeatedEvents: lost }
}

function isExactly(seqs, from, to) {
  if (seqs.length !== to - from + 1) return false
  return seqs.every((s, i) => s === from + i)
}

async function waitUntil(condition, timeoutMs) {
  const end = performance.now() + timeoutMs
  while (!condition()) {
    if (performance.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 5))
  }
}

function percentile(xs, p) {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

function report({ latency, memory, reconnect }) {
  const ms = (x) => `${x.toFixed(2)} ms`
  const mb = (x) => `${(x / 1024 / 1024).toFixed(1)} MB`
  const mark = (ok) => (ok ? 'ok' : 'OVER TARGET')
  console.log('tillbridge gateway benchmark (provider: stand-in HTTP endpoint in the daemon process)')
  console.log(`node ${process.version}, ${TILLS} tills, ${latency.samples} creates`)
  console.log('')
  console.log('create → pending            p50         p99')
  console.log(
    `  through the daemon   ${ms(latency.viaDaemon.p50).padStart(10)}  ${ms(latency.viaDaemon.p99).padStart(10)}`,
  )
  console.log(`  direct fetch         ${ms(latency.direct.p50).padStart(10)}  ${ms(latency.direct.p99).padStart(10)}`)
  console.log(
    `  added                ${ms(latency.added.p50).padStart(10)}  ${ms(latency.added.p99).padStart(10)}` +
      `   targets ≤ 2 ms (${mark(latency.added.p50 <= 2)}), ≤ 10 ms (${mark(latency.added.p99 <= 10)})`,
  )
  console.log('')
  console.log(
    `daemon RSS with ${memory.tills} tills connected: ${mb(memory.rss)} (before: ${mb(memory.rssBefore)})` +
      `   target ≤ 150 MB (${mark(memory.rss <= 150 * 1024 * 1024)})`,
  )
  console.log(
    `${reconnect.tills} tills reconnect and resume ${OFFLINE_EVENTS}+ missed events: ${ms(reconnect.ms)}` +
      `   target ≤ 2000 ms (${mark(reconnect.ms <= 2000)}); tills with a lost or repeated event: ${reconnect.tillsWithLostOrRepeatedEvents}`,
  )
}
