import { afterEach, describe, expect, it } from 'vitest'
import { createSilentLogger } from '../../../src/log/logger.js'
import { ManualClock } from '../../../src/shared/manual-clock.js'
import { ProviderError } from '../../../src/vipps/errors.js'
import { HealthTracker } from '../../../src/vipps/health.js'
import { TokenManager } from '../../../src/vipps/token-manager.js'
import { FakeVipps } from '../../helpers/fake-vipps.js'
import { useConformingFetch } from '../../helpers/recording-fetch.js'

const DAY = 86_400_000
const credentials = {
  clientId: 'fb492b5e-7907-4d83-ba20-c7fb60ca35de',
  clientSecret: 'client-secret-value',
  subscriptionKey: 'subscription-key-value',
}

const conforming = useConformingFetch()
const managers: TokenManager[] = []
afterEach(async () => {
  for (const m of managers.splice(0)) await m.stop()
})

/** Real timers may fire a fraction of a millisecond before the monotonic clock says they are due. */
class EarlyTimerClock extends ManualClock {
  override setTimeout(fn: () => void, ms: number) {
    return super.setTimeout(fn, Math.max(0, ms - 0.5))
  }
}

function setup(options: { lifetime?: number; msn?: string; clock?: ManualClock } = {}) {
  const clock = options.clock ?? new ManualClock()
  const vipps = new FakeVipps(clock, { tokenLifetimeSeconds: options.lifetime ?? 3600 })
  const health = new HealthTracker()
  const manager = new TokenManager({
    name: 'store',
    credentials,
    ...(options.msn ? { msn: options.msn } : {}),
    baseUrl: () => 'https://apitest.vipps.no',
    system: { name: 'tillbridge', version: '0.1.0', pluginName: 'tillbridge', pluginVersion: '0.1.0' },
    fetch: conforming(vipps.fetch).fetch,
    clock,
    log: createSilentLogger(),
    health,
    attemptTimeoutMs: 5000,
    backoff: { minDelayMs: 1000, maxDelayMs: 30_000 },
    random: () => 0.5,
  })
  managers.push(manager)
  return { clock, vipps, health, manager }
}

describe('TokenManager', () => {
  it('sends the keys, the MSN and the Vipps-System headers with an empty body', async () => {
    const { vipps, manager } = setup({ msn: '123456' })
    await manager.getToken()
    const [req] = vipps.tokenRequests
    expect(req?.method).toBe('POST')
    expect(req?.body).toBeUndefined()
    expect(req?.headers).toMatchObject({
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      'ocp-apim-subscription-key': credentials.subscriptionKey,
      'merchant-serial-number': '123456',
      'vipps-system-name': 'tillbridge',
      'vipps-system-plugin-version': '0.1.0',
    })
  })

  it('makes exactly one token request for 50 concurrent callers at expiry', async () => {
    const { clock, vipps, manager } = setup()
    await manager.getToken()
    await clock.advance(3600_000)
    const tokens = await Promise.all(Array.from({ length: 50 }, () => manager.getToken()))
    expect(vipps.tokenRequests).toHaveLength(2)
    expect(new Set(tokens)).toEqual(new Set(['fake-token-2']))
  })

  it('makes one token request for 50 concurrent callers at a cold start and in the refresh window', async () => {
    const { clock, vipps, manager } = setup()
    const cold = await Promise.all(Array.from({ length: 50 }, () => manager.getToken()))
    expect(new Set(cold)).toEqual(new Set(['fake-token-1']))
    await clock.advance(3300_000)
    const warm = await Promise.all(Array.from({ length: 50 }, () => manager.getToken()))
    expect(new Set(warm)).toEqual(new Set(['fake-token-1']))
    await clock.advance(0)
    expect(vipps.tokenRequests).toHaveLength(2)
    expect(await manager.getToken()).toBe('fake-token-2')
  })

  it('refreshes ahead of expiry by the larger of 60 s and 10 % (timer), serving the old token meanwhile', async () => {
    const { clock, vipps, manager } = setup({ lifetime: 3600 })
    await manager.start()
    await clock.advance(0)
    expect(vipps.tokenRequests).toHaveLength(1)
    await clock.advance(3600_000 - 360_000 - 1)
    expect(vipps.tokenRequests).toHaveLength(1)
    await clock.advance(1)
    expect(vipps.tokenRequests).toHaveLength(2)
    expect(await manager.getToken()).toBe('fake-token-2')

    // A short token: 60 s dominates 10 %.
    vipps.tokenLifetimeSeconds = 300
    await clock.advance(3600_000 - 360_000)
    expect(vipps.tokenRequests).toHaveLength(3)
    await clock.advance(240_000)
    expect(vipps.tokenRequests).toHaveLength(4)
  })

  it('ignores wall-clock steps of ±10 days: no refresh storm, never an expired token', async () => {
    const { clock, vipps, manager } = setup({ lifetime: 3600 })
    await manager.start()
    await clock.advance(0)
    for (const step of [10 * DAY, -20 * DAY, 10 * DAY, -10 * DAY]) {
      clock.stepWall(step)
      for (let i = 0; i < 20; i++) await manager.getToken()
      await clock.advance(60_000)
    }
    expect(vipps.tokenRequests).toHaveLength(1)
    // Keep calling for three token lifetimes, with steps in between: every token handed out is valid.
    for (let minute = 0; minute < 180; minute++) {
      if (minute % 7 === 0) clock.stepWall(minute % 2 === 0 ? 10 * DAY : -10 * DAY)
      const token = await manager.getToken()
      const issuedAt = vipps.tokenRequests[Number(token.replace('fake-token-', '')) - 1]?.at ?? Number.NaN
      expect(clock.monotonic()).toBeLessThan(issuedAt + 3600_000)
      await clock.advance(60_000)
    }
    // One token per (lifetime − 10 %): the first plus three refreshes in 184 minutes.
    expect(vipps.tokenRequests).toHaveLength(4)
  })

  it('takes the lifetime from expires_in as a string, measured from before the request was sent', async () => {
    const { clock, vipps, manager } = setup()
    vipps.tokenReplies.push(
      { delayMs: 2000, reply: { status: 200, body: { access_token: 'slow-token', expires_in: '100' } } },
      { status: 503 },
    )
    const first = manager.getToken()
    await clock.advance(2000)
    expect(await first).toBe('slow-token')
    expect(manager.secondsLeft()).toBe(98)
    // Sent at 0 with a 100 s lifetime and a 5 s guard: handed out until 95 s after sending, even
    // while the refresh (due at 50 s) fails.
    await clock.advance(92_999)
    expect(await manager.getToken()).toBe('slow-token')
    await clock.advance(1)
    await expect(manager.getToken()).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' })
    await clock.advance(750)
    expect(await manager.getToken()).toBe('fake-token-1')
  })

  it('falls back to five minutes when expires_in is unreadable', async () => {
    const { vipps, manager } = setup()
    vipps.tokenReplies.push({ status: 200, body: { access_token: 'odd', expires_in: 'soon' } })
    await manager.getToken()
    expect(manager.secondsLeft()).toBe(300)
  })

  it('during an outage makes at most one token request per backoff step and fails retryably', async () => {
    const { clock, vipps, manager, health } = setup()
    vipps.tokenReplies.push(...Array.from({ length: 100 }, () => ({ status: 503 })))
    const errors: ProviderError[] = []
    // Callers hammer it every 100 ms for 40 s.
    for (let t = 0; t < 400; t++) {
      await manager.getToken().catch((err: ProviderError) => errors.push(err))
      await clock.advance(100)
    }
    expect(errors).toHaveLength(400)
    expect(errors.every((e) => e instanceof ProviderError && e.code === 'PROVIDER_UNAVAILABLE' && e.retryable)).toBe(
      true,
    )
    expect(errors[1]?.retryAfterMs).toBeGreaterThan(0)
    // With random = 0.5 the steps are 750, 1500, 3000, 6000, 12000, 22500 ms: attempts at 0, 0.8, 2.3, 5.3, 11.3, 23.3 s.
    const times = vipps.tokenRequests.map((r) => r.at)
    expect(times).toEqual([0, 800, 2300, 5300, 11300, 23300])
    expect(health.state).toBe('down')
  })

  it('honours Retry-After from the token endpoint: no new request before it, even when backoff is shorter', async () => {
    const { clock, vipps, manager } = setup()
    vipps.tokenReplies.push({ status: 503, headers: { 'retry-after': '20' } }, { status: 503 })
    const err = await manager.getToken().catch((e: ProviderError) => e)
    expect(err).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryAfterMs: 20_000 })
    for (let t = 0; t < 300; t++) {
      await manager.getToken().catch(() => {})
      await clock.advance(100)
    }
    // Backoff alone would have tried again at 0.75 s; Retry-After said 20 s.
    expect(vipps.tokenRequests.map((r) => r.at)).toEqual([0, 20_000, 21_500])
  })

  it('recovers after an outage, and health returns to ok', async () => {
    const { clock, vipps, manager, health } = setup()
    vipps.tokenReplies.push({ status: 500 }, { drop: 'before' })
    await manager.start()
    await clock.advance(0)
    expect(health.state).toBe('down')
    await clock.advance(10_000)
    expect(vipps.tokenRequests).toHaveLength(3)
    expect(health.state).toBe('ok')
    expect(await manager.getToken()).toBe('fake-token-1')
  })

  it('keeps retrying in the background when its timers fire a little early', async () => {
    const { clock, vipps, manager } = setup({ clock: new EarlyTimerClock() })
    vipps.tokenReplies.push({ status: 503 }, { status: 503 })
    await manager.start()
    await clock.advance(3000)
    expect(vipps.tokenRequests.map((r) => r.at)).toEqual([0, 750, 2250])
    expect(await manager.getToken()).toBe('fake-token-1')
  })

  it('reports refused keys as PROVIDER_UNAUTHORIZED, still backing off', async () => {
    const { clock, vipps, manager } = setup()
    vipps.tokenReplies.push(
      { status: 401, body: { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret' } },
      { status: 401 },
    )
    const first = await manager.getToken().catch((e: unknown) => e)
    const second = await manager.getToken().catch((e: unknown) => e)
    expect(first).toMatchObject({ code: 'PROVIDER_UNAUTHORIZED', retryable: false })
    expect(second).toMatchObject({ code: 'PROVIDER_UNAUTHORIZED' })
    expect(vipps.tokenRequests).toHaveLength(1)
    await clock.advance(1000)
    await manager.getToken().catch(() => {})
    expect(vipps.tokenRequests).toHaveLength(2)
  })

  it('invalidates only the token that was refused', async () => {
    const { vipps, manager } = setup()
    const first = await manager.getToken()
    manager.invalidate('some-older-token')
    expect(await manager.getToken()).toBe(first)
    manager.invalidate(first)
    expect(await manager.getToken()).toBe('fake-token-2')
    expect(vipps.tokenRequests).toHaveLength(2)
  })

  it('times out a token request that gets no answer', async () => {
    const { clock, vipps, manager } = setup()
    vipps.tokenReplies.push({ delayMs: 60_000, reply: { status: 200 } })
    const pending = manager.getToken().catch((e: unknown) => e)
    await clock.advance(5000)
    expect(await pending).toMatchObject({ code: 'PROVIDER_UNAVAILABLE' })
    expect(String(((await pending) as Error).cause)).toMatch(/5000 ms/)
  })

  it('stop() clears its timer', async () => {
    const { clock, manager } = setup()
    await manager.start()
    await clock.advance(0)
    expect(clock.pendingTimers).toBe(1)
    await manager.stop()
    expect(clock.pendingTimers).toBe(0)
  })
})
