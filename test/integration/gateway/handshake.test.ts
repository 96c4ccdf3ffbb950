import { describe, expect, it } from 'vitest'
import { sha256Hex } from '../../../src/config/secrets.js'
import { ManualClock } from '../../../src/shared/manual-clock.js'
import type { ProviderState } from '../../../src/vipps/api.js'
import { TOKENS, useGateway } from '../../helpers/gateway-harness.js'
import { MemoryPayments } from '../../helpers/memory-payments.js'
import { RawTill } from '../../helpers/raw-till.js'

const startGateway = useGateway()
const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } })

describe('gateway handshake', () => {
  it('authenticates by the Authorization header: hello without a token gets welcome', async () => {
    const { url } = await startGateway()
    const till = await RawTill.connect(url, bearer(TOKENS['till-a']))
    till.send({ type: 'hello' })
    const welcome = await till.next((f) => f.type === 'welcome')
    expect(welcome).toEqual({
      type: 'welcome',
      tillId: 'till-a',
      protocol: 1,
      serverTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      lastSeq: 0,
      provider: { state: 'ok' },
    })
  })

  it('authenticates by hello.token (browser tills)', async () => {
    const { url } = await startGateway()
    const till = await RawTill.hello(url, { token: TOKENS['till-b'] })
    expect(till.frames[0]).toMatchObject({ type: 'welcome', tillId: 'till-b' })
  })

  it('refuses a wrong Authorization header with HTTP 401 and a malformed one too', async () => {
    const { url, logText } = await startGateway()
    await expect(RawTill.connect(url, bearer('not-a-till-token'))).rejects.toThrow('HTTP 401')
    await expect(RawTill.connect(url, { headers: { Authorization: 'Basic abc' } })).rejects.toThrow('HTTP 401')
    expect(logText()).toContain('till upgrade refused')
    expect(logText()).not.toContain('not-a-till-token')
  })

  it('ignores a token in the query string (it would end up in logs)', async () => {
    const { url } = await startGateway()
    const till = await RawTill.connect(`${url}?token=${TOKENS['till-a']}`)
    till.send({ type: 'hello' })
    expect((await till.closed).code).toBe(4401)
  })

  it('refuses an Origin that is not allowed with HTTP 403, even with a valid token', async () => {
    const { url } = await startGateway({ gateway: { allowedOrigins: ['http://till-ui.local:3000'] } })
    await expect(RawTill.connect(url, { origin: 'https://evil.example', ...bearer(TOKENS['till-a']) })).rejects.toThrow(
      'HTTP 403',
    )
    const allowed = await RawTill.connect(url, { origin: 'http://till-ui.local:3000' })
    allowed.send({ type: 'hello', token: TOKENS['till-a'] })
    await allowed.next((f) => f.type === 'welcome')
  })

  it('accepts the old and the new token of a till during a rotation, both as the same till', async () => {
    const { url } = await startGateway({
      previousTillTokenHashes: new Map([['till-a', sha256Hex('old-token-of-a-0123456789')]]),
    })
    const viaOld = await RawTill.hello(url, { token: 'old-token-of-a-0123456789' })
    const viaNew = await RawTill.hello(url, { token: TOKENS['till-a'] })
    expect([viaOld.frames[0], viaNew.frames[0]]).toMatchObject([{ tillId: 'till-a' }, { tillId: 'till-a' }])
    const other = await RawTill.connect(url)
    other.send({ type: 'hello', token: 'old-token-of-b-0123456789' })
    expect((await other.closed).code).toBe(4401)
  })

  it('answers 404 off the configured path', async () => {
    const { url } = await startGateway()
    await expect(RawTill.connect(url.replace('/v1', '/v2'))).rejects.toThrow('HTTP 404')
  })

  it('beyond maxConnections refuses the newest till with UNAVAILABLE (retryable) and 1008', async () => {
    const { url } = await startGateway({ gateway: { maxConnections: 1 } })
    await RawTill.hello(url, { token: TOKENS['till-a'] })
    const late = await RawTill.connect(url)
    late.send({ type: 'hello', token: TOKENS['till-b'] })
    expect((await late.closed).code).toBe(1008)
    expect(late.frames).toEqual([expect.objectContaining({ type: 'error', code: 'UNAVAILABLE', retryable: true })])
  })

  it.each([
    ['a wrong hello.token', { type: 'hello', token: 'wrong-token' }, 'unknown till token'],
    ['hello without any token', { type: 'hello' }, 'no till token'],
    ['another frame first', { type: 'payment.get', id: 'r1', key: 'k' }, 'the first frame must be hello'],
    ['an invalid first frame', 'not json', 'the first frame must be hello: not valid JSON'],
  ])('closes with 4401 after %s, saying why in an UNAUTHENTICATED error', async (_name, frame, message) => {
    const { url } = await startGateway()
    const till = await RawTill.connect(url)
    till.send(frame)
    expect((await till.closed).code).toBe(4401)
    expect(till.frames).toEqual([{ type: 'error', code: 'UNAUTHENTICATED', message, retryable: false }])
  })

  it('closes with 4401 when a valid header and a hello.token of another till disagree', async () => {
    const { url } = await startGateway()
    const till = await RawTill.connect(url, bearer(TOKENS['till-a']))
    till.send({ type: 'hello', token: TOKENS['till-b'] })
    expect((await till.closed).code).toBe(4401)
  })

  it('closes with 4401 when no hello comes within helloTimeoutMs', async () => {
    const clock = new ManualClock()
    const { url } = await startGateway({ clock, gateway: { helloTimeoutMs: 5000 } })
    const till = await RawTill.connect(url)
    await clock.advance(4999)
    expect(till.ws.readyState).toBe(till.ws.OPEN)
    await clock.advance(1)
    expect((await till.closed).code).toBe(4401)
  })

  it('cuts off a till that stops answering pings, and keeps one that answers', async () => {
    const clock = new ManualClock()
    const { url, gateway } = await startGateway({ clock, gateway: { heartbeatMs: 15_000 } })
    const answering = await RawTill.hello(url, { token: TOKENS['till-a'] })
    const silent = await RawTill.hello(url, { token: TOKENS['till-b'] })
    // ws answers pings by itself; pausing the socket makes this till deaf, as a dead peer is.
    silent.ws.pause()
    await clock.advance(15_000)
    await new Promise((r) => setTimeout(r, 100))
    await clock.advance(15_000)
    await until(() => gateway.connections === 1)
    silent.ws.resume()
    expect((await silent.closed).code).toBe(1006)
    expect(answering.ws.readyState).toBe(answering.ws.OPEN)
  })

  it('sends status frames when the provider state changes, and puts the state in welcome', async () => {
    const provider = fakeProvider('degraded', 'retrying token')
    const { url } = await startGateway({ provider })
    const till = await RawTill.hello(url, { token: TOKENS['till-a'] })
    expect(till.frames[0]).toMatchObject({ provider: { state: 'degraded', detail: 'retrying token' } })
    provider.set('ok', undefined)
    expect(await till.next((f) => f.type === 'status')).toEqual({ type: 'status', provider: { state: 'ok' } })
  })

  it('closes with 1011 and stays up when the engine fails while welcoming a till', async () => {
    const payments = new MemoryPayments()
    payments.lastSeq = () => {
      throw new Error('database is locked')
    }
    const { url } = await startGateway({ payments })
    const till = await RawTill.connect(url)
    till.send({ type: 'hello', token: TOKENS['till-a'] })
    expect((await till.closed).code).toBe(1011)
    expect(till.frames).toEqual([expect.objectContaining({ type: 'error', code: 'INTERNAL', retryable: true })])
    await expect(RawTill.connect(url)).resolves.toBeInstanceOf(RawTill)
  })

  it('on stop closes tills with 1001, refuses new upgrades and leaves no event listener', async () => {
    const payments = new MemoryPayments()
    const { url, gateway } = await startGateway({ payments })
    const till = await RawTill.hello(url, { token: TOKENS['till-a'] })
    await gateway.stop()
    expect((await till.closed).code).toBe(1001)
    await expect(RawTill.connect(url)).rejects.toThrow()
    expect(payments.listenerCount).toBe(0)
  })
})

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 10))
  expect(condition()).toBe(true)
}

function fakeProvider(state: ProviderState, detail: string | undefined) {
  const listeners = new Set<(s: ProviderState, d: string | undefined) => void>()
  const provider = {
    state,
    detail,
    tokenSecondsLeft: () => ({}),
    onChange(listener: (s: ProviderState, d: string | undefined) => void) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    set(next: ProviderState, nextDetail: string | undefined) {
      provider.state = next
      provider.detail = nextDetail
      for (const l of listeners) l(next, nextDetail)
    },
  }
  return provider
}
