import { describe, expect, it } from 'vitest'
import { useSimulator } from '../../helpers/simulator.js'

describe('simulator: Date header', () => {
  const sim = useSimulator()

  it('dates every answer by its own clock, which POST /_sim/clock moves', async () => {
    const start = new Date(sim().clock.now()).toUTCString()
    const token = await sim().raw('POST', '/accesstoken/get')
    expect(token.status).toBe(401)
    expect(token.headers.get('date')).toBe(start)

    await sim().control('POST', '/clock', { advanceMs: 90_000 })
    const later = new Date(sim().clock.now() + 90_000).toUTCString()
    expect((await sim().vipps('GET', '/management/v1/sales-units/123456')).headers.get('date')).toBe(later)
    expect((await sim().control('GET', '/clock')).headers.get('date')).toBe(later)
  })
})
