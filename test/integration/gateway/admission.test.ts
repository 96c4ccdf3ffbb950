import { connect, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { TOKENS, useGateway } from '../../helpers/gateway-harness.js'
import { MemoryPayments } from '../../helpers/memory-payments.js'
import { RawTill } from '../../helpers/raw-till.js'

const startGateway = useGateway()

/** Counts what the gateway reports to the metrics, by reason. */
function refusalCounter() {
  const counts = new Map<string, number>()
  return {
    counts,
    countRefusal: (_listener: string, reason: string) => counts.set(reason, (counts.get(reason) ?? 0) + 1),
  }
}

const sockets: Socket[] = []
const tills: RawTill[] = []
afterEach(() => {
  for (const s of sockets.splice(0)) s.destroy()
  for (const t of tills.splice(0)) t.ws.terminate()
})

/** An attacker that keeps `count` sockets open without ever saying hello, reopening any that close. */
function anonymousFlood(url: string, count: number, addresses: number): { stop: () => void; opened: () => number } {
  let stopped = false
  let opened = 0
  const open = (i: number): void => {
    if (stopped) return
    const localAddress = `127.0.1.${(i % addresses) + 1}`
    RawTill.connect(url, { localAddress }).then(
      (till) => {
        opened += 1
        tills.push(till)
        void till.closed.then(() => setTimeout(() => open(i), 5))
      },
      () => setTimeout(() => open(i), 20),
    )
  }
  for (let i = 0; i < count; i++) open(i)
  return {
    stop: () => {
      stopped = true
    },
    opened: () => opened,
  }
}

const sale = (key: string) => ({
  type: 'payment.create',
  id: `create-${key}`,
  key,
  amount: { value: 12550, currency: 'NOK' },
  flow: 'qr',
})

describe('gateway admission', () => {
  it('200 anonymous sockets and a till above its cap do not stop another till connecting and paying within 1 s', async () => {
    const { countRefusal, counts } = refusalCounter()
    // maxConnections far below the flood: only authenticated connections count toward it.
    const { url, gateway } = await startGateway({
      payments: new MemoryPayments(),
      countRefusal,
      gateway: { maxConnections: 10 },
    })
    const flood = anonymousFlood(url, 200, 25)
    // till-b holds six connections: above its cap of 2, so its oldest ones are closed.
    const greedy: RawTill[] = []
    for (let i = 0; i < 6; i++) greedy.push(await RawTill.hello(url, { token: TOKENS['till-b'] }))
    tills.push(...greedy)
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(flood.opened()).toBeGreaterThanOrEqual(200)

    const started = performance.now()
    const till = await RawTill.hello(url, { token: TOKENS['till-a'] }, { localAddress: '127.0.0.9' })
    tills.push(till)
    expect(await till.request(sale('in-the-flood'))).toMatchObject({ type: 'result', payment: { key: 'in-the-flood' } })
    expect(performance.now() - started).toBeLessThan(1000)
    flood.stop()

    expect(gateway.tillStatus()).toEqual([
      { id: 'till-a', connections: 1 },
      { id: 'till-b', connections: 2 },
    ])
    // Newest wins: the two newest of till-b are the ones still open.
    expect(greedy.slice(4).every((t) => t.ws.readyState === t.ws.OPEN)).toBe(true)
    for (const old of greedy.slice(0, 4)) expect((await old.closed).code).toBe(1008)
    expect(counts.get('till_cap_replaced')).toBe(4)
    expect(counts.get('anonymous_evicted')).toBeGreaterThan(0)
  })

  it('a full hello pool closes its oldest socket with 1013 (try again later), never 4401', async () => {
    const { url } = await startGateway({ gateway: { maxAnonymous: 2 } })
    const waiting = [await RawTill.connect(url), await RawTill.connect(url)]
    tills.push(...waiting)
    const newest = await RawTill.connect(url)
    tills.push(newest)
    expect(await waiting[0]?.closed).toEqual({ code: 1013, reason: 'too many connections waiting for hello' })
    newest.send({ type: 'hello', token: TOKENS['till-a'] })
    await newest.next((f) => f.type === 'welcome')
  })

  it('caps sockets per address (before the upgrade too) and backs off an address that keeps failing', async () => {
    const { countRefusal, counts } = refusalCounter()
    const { url, port, logText } = await startGateway({
      countRefusal,
      gateway: { maxSocketsPerAddress: 4, authFailuresPerAddress: 3 },
    })
    for (let i = 0; i < 4; i++) sockets.push(await rawSocket(port, '127.0.2.1'))
    await expect(RawTill.connect(url, { localAddress: '127.0.2.1' })).rejects.toThrow()
    expect(counts.get('address_sockets')).toBeGreaterThanOrEqual(1)

    for (let i = 0; i < 3; i++) {
      const guess = await RawTill.connect(url, { localAddress: '127.0.2.2' })
      guess.send({ type: 'hello', token: `guess-${i}` })
      expect((await guess.closed).code).toBe(4401)
    }
    await expect(
      RawTill.connect(url, { localAddress: '127.0.2.2', headers: { Authorization: 'Bearer guess' } }),
    ).rejects.toThrow('HTTP 401')
    // Past the limit the address waits, even with the right token, and the refusal is one log line.
    await expect(
      RawTill.connect(url, { localAddress: '127.0.2.2', headers: { Authorization: `Bearer ${TOKENS['till-a']}` } }),
    ).rejects.toThrow('HTTP 429')
    for (let i = 0; i < 20; i++) await RawTill.connect(url, { localAddress: '127.0.2.2' }).catch(() => {})
    expect(counts.get('auth_backoff')).toBe(21)
    expect(logText().match(/"reason":"auth_backoff"/g)).toHaveLength(1)
    // Another address is not affected.
    tills.push(await RawTill.hello(url, { token: TOKENS['till-a'] }, { localAddress: '127.0.2.3' }))
  })

  it('rate-limits a flood of acks and closes the till, while acks of a large backlog all pass', async () => {
    const payments = new MemoryPayments()
    const { countRefusal, counts } = refusalCounter()
    const { url } = await startGateway({ payments, countRefusal, gateway: { maxRequestsPerSecond: 5 } })
    const worker = await RawTill.hello(url, { token: TOKENS['till-a'] })
    tills.push(worker)
    await worker.request(sale('backlog'))
    for (let i = 0; i < 300; i++) payments.advance('till-a', 'backlog', { status: 'queued' })
    await worker.next((f) => f.type === 'event' && f.seq === 301)
    // A till working through its backlog acks every event, far above 5 per second: all applied.
    for (let seq = 1; seq <= 301; seq++) worker.send({ type: 'ack', seq })
    expect(await worker.request({ type: 'payment.get', id: 'after-acks', key: 'backlog' })).toMatchObject({
      type: 'result',
    })
    expect(payments.eventsAfter('till-a', 0, 1000)).toEqual([])

    const flooder = await RawTill.hello(url, { token: TOKENS['till-b'] })
    tills.push(flooder)
    for (let i = 0; i < 5000; i++) flooder.send({ type: 'ack', seq: 0 })
    expect((await flooder.closed).code).toBe(1008)
    expect(flooder.frames.filter((f) => f.type === 'error').length).toBeLessThanOrEqual(5)
    expect(counts.get('flooding')).toBe(1)
    expect(await worker.request({ type: 'payment.get', id: 'still', key: 'backlog' })).toMatchObject({ type: 'result' })
  })

  it('closes sockets that send their upgrade headers slowly, counts them, and keeps serving', async () => {
    const { countRefusal, counts } = refusalCounter()
    const { url, port } = await startGateway({ countRefusal, gateway: { headersTimeoutMs: 300 } })
    const slow = await Promise.all(Array.from({ length: 20 }, (_, i) => rawSocket(port, `127.0.3.${i + 1}`)))
    for (const s of slow) s.write('GET /v1 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n')
    sockets.push(...slow)
    await Promise.all(slow.map((s) => new Promise((resolve) => s.once('close', resolve))))
    expect(counts.get('headers_timeout')).toBe(20)
    tills.push(await RawTill.hello(url, { token: TOKENS['till-a'] }))
  })
})

function rawSocket(port: number, localAddress: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress }, () => resolve(socket))
    socket.once('error', reject)
  })
}
