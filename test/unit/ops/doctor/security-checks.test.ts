import { describe, expect, it } from 'vitest'
import { configSchema } from '../../../../src/config/schema.js'
import { checkSecurity } from '../../../../src/ops/doctor/security-checks.js'

const vipps = { kind: 'vipps', baseUrl: 'https://api.vipps.no' } as const

describe('doctor: security', () => {
  it('flags the plain-LAN opt-outs of the gateway and the admin server', () => {
    const config = configSchema.parse({
      provider: vipps,
      gateway: { host: '0.0.0.0', allowPlainLan: true },
      admin: { host: '0.0.0.0', allowPlainLan: true },
      journal: { path: '/nonexistent/j.db' },
    })
    const results = checkSecurity(config)
    expect(results.map((r) => [r.status, r.subject])).toEqual([
      ['warn', '0.0.0.0'],
      ['warn', '0.0.0.0'],
    ])
    expect(results[0]?.finding).toMatch(/^the gateway serves the LAN without TLS/)
    expect(results[1]?.finding).toMatch(/^the admin server serves the LAN without TLS/)
    expect(results[0]?.fix).toMatch(/configure tls/)
  })

  it('passes a loopback https setup, and passes nothing past a TLS gateway on the LAN', () => {
    const loopback = configSchema.parse({ provider: vipps, journal: { path: '/nonexistent/j.db' } })
    expect(checkSecurity(loopback).map((r) => r.status)).toEqual(['pass'])
    const tls = configSchema.parse({
      provider: vipps,
      gateway: { host: '0.0.0.0', tls: { certFile: 'c', keyFile: 'k' } },
      journal: { path: '/nonexistent/j.db' },
    })
    expect(checkSecurity(tls).map((r) => r.status)).toEqual(['pass'])
  })
})
