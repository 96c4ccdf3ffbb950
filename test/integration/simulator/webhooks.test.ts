import { createHash, createHmac } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Delivery } from '../../../src/simulator/webhook-delivery.js'
import type { WebhookEvent } from '../../../src/vipps/types.js'
import { DEMO, useSimulator } from '../../helpers/simulator.js'

interface Received {
  path: string
  headers: IncomingHttpHeaders
  body: string
}

/**
 * A webhook receiver on 127.0.0.1:0 that answers with the next status from `statuses` (then
 * 200); a 0 there means "never answer".
 */
function useReceiver() {
  const received: Received[] = []
  const statuses: number[] = []
  let server: Server | undefined
  beforeEach(async () => {
    received.length = 0
    statuses.length = 0
    server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
        const status = statuses.shift() ?? 200
        if (status === 0) return
        res.statusCode = status
        res.end()
      })
    })
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve))
  })
  afterEach(async () => {
    server?.closeAllConnections()
    await new Promise<void>((resolve) => server?.close(() => resolve()))
  })
  return {
    received,
    statuses,
    url: (path = '/hooks/vipps?till=1') => `http://127.0.0.1:${(server!.address() as AddressInfo).port}${path}`,
  }
}

async function waitFor(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const until = Date.now() + 5000
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** Verifies a delivery as a receiver must (research/vipps-api.md §6.1), independently of the simulator. */
function verify(r: Received, registeredUrl: string, secret: string): boolean {
  const url = new URL(registeredUrl)
  const hash = createHash('sha256').update(r.body, 'utf8').digest('base64')
  if (hash !== r.headers['x-ms-content-sha256']) return false
  const toSign = `POST\n${url.pathname}${url.search}\n${r.headers['x-ms-date']};${url.host};${hash}`
  const signature = createHmac('sha256', secret).update(toSign, 'utf8').digest('base64')
  return (
    r.headers.authorization === `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`
  )
}

const EVENTS = ['created', 'authorized', 'captured', 'aborted'].map((e) => `epayments.payment.${e}.v1`)

describe('simulator: Webhooks v1', () => {
  const sim = useSimulator()
  const receiver = useReceiver()
  const register = (url: string, events = EVENTS, headers: Record<string, string | undefined> = {}) =>
    sim().vipps<{ id: string; secret: string }>('POST', '/webhooks/v1/webhooks', { body: { url, events }, headers })

  it('registers, lists and deletes', async () => {
    const created = await register('https://example.com/hook')
    expect(created.status).toBe(201)
    expect(created.body.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(created.body.secret.length).toBeGreaterThan(20)
    const list = await sim().vipps('GET', '/webhooks/v1/webhooks')
    expect(list.body).toEqual({ webhooks: [{ id: created.body.id, url: 'https://example.com/hook', events: EVENTS }] })
    expect((await sim().vipps('DELETE', `/webhooks/v1/webhooks/${created.body.id}`)).status).toBe(204)
    expect((await sim().vipps('GET', '/webhooks/v1/webhooks')).body).toEqual({ webhooks: [] })
    expect((await sim().vipps('DELETE', `/webhooks/v1/webhooks/${created.body.id}`)).status).toBe(404)
  })

  it('delivers every subscribed payment event, signed, in order', async () => {
    const url = receiver.url()
    const { secret } = (await register(url)).body
    await sim().createPayment({ customer: { phoneNumber: '4791234561' } })
    sim().advance(1500)
    await sim().vipps('POST', '/epayment/v1/payments/ref-00000001/capture', {
      key: 'cap-1',
      body: { modificationAmount: { currency: 'NOK', value: 12550 } },
    })
    await waitFor(() => receiver.received.length === 3, 'three deliveries')
    const bodies = receiver.received.map((r) => JSON.parse(r.body) as WebhookEvent)
    expect(bodies.map((b) => b.name)).toEqual(['CREATED', 'AUTHORIZED', 'CAPTURED'])
    expect(bodies[2]).toMatchObject({
      msn: DEMO.msn,
      reference: 'ref-00000001',
      amount: { currency: 'NOK', value: 12550 },
      idempotencyKey: 'cap-1',
      success: true,
    })
    for (const r of receiver.received) {
      expect(r.path).toBe('/hooks/vipps?till=1')
      expect(verify(r, url, secret)).toBe(true)
      expect(verify({ ...r, body: r.body.replace('NOK', 'DKK') }, url, secret)).toBe(false)
      // An RFC 1123 date, on the simulator clock (a ManualClock in 2026, not the real date).
      expect(r.headers['x-ms-date']).toMatch(/^[A-Z][a-z]{2}, 01 Jan 2026 12:00:0\d GMT$/)
    }
  })

  it('retries a failed delivery with backoff on the simulator clock; later events wait their turn', async () => {
    const deliveries = async () => (await sim().control<{ deliveries: Delivery[] }>('GET', '/webhooks')).body.deliveries
    // Once the attempt's status is recorded, the retry waits on the simulator clock.
    const failedWith = (status: number) => async () => (await deliveries())[0]?.lastStatus === status
    receiver.statuses.push(500, 503)
    await register(receiver.url())
    await sim().createPayment({ customer: { phoneNumber: '4791234561' } })
    await waitFor(failedWith(500), 'the first attempt to fail')
    sim().advance(1500)
    await new Promise((r) => setTimeout(r, 50))
    expect(receiver.received).toHaveLength(1)
    sim().advance(2000)
    await waitFor(failedWith(503), 'the second attempt to fail')
    sim().advance(2000)
    await waitFor(() => receiver.received.length === 4, 'the third attempt and the next event')
    const names = receiver.received.map((r) => (JSON.parse(r.body) as WebhookEvent).name)
    expect(names).toEqual(['CREATED', 'CREATED', 'CREATED', 'AUTHORIZED'])
    await waitFor(async () => (await deliveries())[1]?.status === 'delivered', 'the last delivery to be recorded')
    expect((await deliveries()).map((d) => [d.name, d.status, d.attempts])).toEqual([
      ['CREATED', 'delivered', 3],
      ['AUTHORIZED', 'delivered', 1],
    ])
  })

  it('gives up on an attempt with no answer within 10 s of simulator time, then retries', async () => {
    const deliveries = async () => (await sim().control<{ deliveries: Delivery[] }>('GET', '/webhooks')).body.deliveries
    receiver.statuses.push(0)
    await register(receiver.url())
    await sim().createPayment()
    await waitFor(() => receiver.received.length === 1, 'the first attempt')
    sim().advance(9999)
    await new Promise((r) => setTimeout(r, 50))
    expect((await deliveries())[0]?.lastError).toBeNull()
    sim().advance(1)
    await waitFor(async () => (await deliveries())[0]?.lastError === 'no answer within 10 s', 'the attempt to time out')
    sim().advance(2000)
    await waitFor(async () => (await deliveries())[0]?.status === 'delivered', 'the retry to be delivered')
    expect(receiver.received).toHaveLength(2)
  })

  it('sends a sales unit only its own events, and only the subscribed ones', async () => {
    await sim().control('PUT', '/sales-units/654321', {})
    await register(receiver.url(), ['epayments.payment.created.v1'], { 'merchant-serial-number': '654321' })
    await sim().createPayment()
    await sim().vipps('POST', '/epayment/v1/payments', {
      key: 'k2',
      headers: { 'merchant-serial-number': '654321' },
      body: {
        amount: { currency: 'NOK', value: 100 },
        paymentMethod: { type: 'WALLET' },
        reference: 'ref-00000002',
        userFlow: 'QR',
      },
    })
    await sim().control('POST', '/payments/ref-00000002/scan')
    await waitFor(() => receiver.received.length >= 1, 'a delivery')
    await new Promise((r) => setTimeout(r, 50))
    expect(receiver.received.map((r) => JSON.parse(r.body) as WebhookEvent).map((b) => [b.msn, b.name])).toEqual([
      ['654321', 'CREATED'],
    ])
  })
})
