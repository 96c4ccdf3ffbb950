import { describe, expect, it } from 'vitest'
import type { ProblemBody } from '../../../src/simulator/problem.js'
import type { AccessTokenResponse } from '../../../src/vipps/types.js'
import { DEMO, SimulatorHarness, useSimulator } from '../../helpers/simulator.js'

const tokenHeaders = {
  client_id: DEMO.clientId,
  client_secret: DEMO.clientSecret,
  'ocp-apim-subscription-key': DEMO.subscriptionKey,
}

describe('simulator: POST /accesstoken/get', () => {
  const sim = useSimulator({ tokenTtlSeconds: 600 })

  it('answers the real shape: every number a string, a JWT, the configured lifetime', async () => {
    const res = await sim().raw<AccessTokenResponse>('POST', '/accesstoken/get', { headers: tokenHeaders })
    expect(res.status).toBe(200)
    const body = res.body
    for (const field of ['expires_in', 'ext_expires_in', 'expires_on', 'not_before']) {
      expect(typeof body[field as keyof AccessTokenResponse]).toBe('string')
    }
    expect(body.token_type).toBe('Bearer')
    expect(body.expires_in).toBe('600')
    expect(Number(body.expires_on) - Number(body.not_before)).toBe(600)
    expect(Number(body.not_before)).toBe(Math.floor(sim().clock.now() / 1000))
    expect(body.access_token.split('.')).toHaveLength(3)
  })

  it.each([
    ['a wrong client secret', { ...tokenHeaders, client_secret: 'nope' }],
    ['a wrong subscription key', { ...tokenHeaders, 'ocp-apim-subscription-key': 'nope' }],
    ['no subscription key', { ...tokenHeaders, 'ocp-apim-subscription-key': undefined }],
    ['a wrong client id', { ...tokenHeaders, client_id: '00000000-0000-0000-0000-000000000000' }],
  ])('answers 401 for %s', async (_what, headers) => {
    const res = await sim().raw<ProblemBody>('POST', '/accesstoken/get', { headers })
    expect(res.status).toBe(401)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    expect(res.body.traceId).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/)
  })

  it('answers 400 when client_id or client_secret is missing', async () => {
    const res = await sim().raw('POST', '/accesstoken/get', { headers: { ...tokenHeaders, client_id: undefined } })
    expect(res.status).toBe(400)
  })

  it('a token stops working when it expires on the simulator clock', async () => {
    const get = () => sim().vipps('GET', '/epayment/v1/payments/ref-00000001')
    expect((await get()).status).toBe(404)
    sim().advance(599_999)
    expect((await get()).status).toBe(404)
    await sim().control('POST', '/clock', { advanceMs: 1 })
    const expired = await get()
    expect(expired.status).toBe(401)
    expect((expired.body as ProblemBody).detail).toMatch(/expired/)
  })

  it('refuses a token without "Bearer", one from another simulator, and a subscription key not the token\'s', async () => {
    const token = await sim().token()
    const other = new SimulatorHarness()
    await other.sim.start()
    try {
      const foreign = await other.token()
      const call = (authorization: string, key: string = DEMO.subscriptionKey) =>
        sim().vipps('GET', '/epayment/v1/payments/ref-00000001', {
          headers: { authorization, 'ocp-apim-subscription-key': key },
        })
      expect((await call(token)).status).toBe(401)
      expect((await call(`Bearer ${foreign}`)).status).toBe(401)
      expect((await call(`Bearer ${token}`, 'another-key')).status).toBe(401)
      expect((await call(`Bearer ${token}`)).status).toBe(404)
    } finally {
      await other.sim.stop()
    }
  })
})
