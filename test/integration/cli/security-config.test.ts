import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { sha256Hex } from '../../../src/config/secrets.js'
import { MAIN_JS } from '../../helpers/daemon-process.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const tempDir = useTempDir()
const STRONG = 'Yq3v0c9kR2mZ8tX1pL6wN4bH7sD5fJ0a' // 32 characters, about 190 bits

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [MAIN_JS, ...args], { env: { PATH: process.env.PATH }, encoding: 'utf8' })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

type Section = Record<string, unknown>
interface RawConfig {
  journal: Section
  gateway: Section
  provider: Section
  admin: Section
}

/** A real-money config with readable credential files; `patch` changes one part of it. */
function vippsConfig(patch: (c: RawConfig, dir: string) => void = () => {}): string {
  const dir = tempDir()
  for (const name of ['id', 'secret', 'key']) writeFileSync(join(dir, name), `vipps-${name}-value-0123456789`)
  const config: RawConfig = {
    journal: { path: join(dir, 'journal.db') },
    gateway: { port: 0, tills: [{ id: 'till-1', tokenSha256: sha256Hex(STRONG) }] },
    provider: {
      kind: 'vipps',
      baseUrl: 'https://api.vipps.no',
      credentialSets: [
        {
          name: 'store',
          clientId: { file: join(dir, 'id') },
          clientSecret: { file: join(dir, 'secret') },
          subscriptionKey: { file: join(dir, 'key') },
        },
      ],
      salesUnits: [{ msn: '123456', credentialSet: 'store' }],
    },
    admin: { enabled: false },
  }
  patch(config, dir)
  const file = join(dir, 'config.json')
  writeFileSync(file, JSON.stringify(config))
  return file
}

describe('configs that would take real money unsafely', () => {
  it('the config is fine as it stands (so each refusal below is its own change at work)', () => {
    const r = cli(['check-config', '--config', vippsConfig()])
    expect(r.stderr).toBe('')
    expect(r.stdout).toMatch(/OK \(provider vipps/)
  })

  it('refuses credential sets and sales units without provider.kind: exit 78 naming provider.kind', () => {
    const file = vippsConfig((c) => {
      delete c.provider.kind
    })
    for (const command of ['check-config', 'run']) {
      const r = cli([command, '--config', file])
      expect(r.code, command).toBe(78)
      expect(r.stderr).toMatch(/- provider\.kind: required when credential sets or sales units are configured/)
    }
  })

  it('refuses the demo till token with kind vipps, naming the till, as a hash or a file', () => {
    const asHash = cli([
      'check-config',
      '--config',
      vippsConfig((c) => {
        c.gateway.tills = [{ id: 'till-1', tokenSha256: sha256Hex('tillbridge-demo-till-token') }]
      }),
    ])
    expect(asHash.code).toBe(78)
    expect(asHash.stderr).toMatch(/gateway\.tills\.0\.tokenSha256 \(till "till-1"\): is the demo token's hash/)
    const asFile = cli([
      'run',
      '--config',
      vippsConfig((c, dir) => {
        writeFileSync(join(dir, 'till'), 'tillbridge-demo-till-token\n')
        c.gateway.tills = [{ id: 'till-1', token: { file: join(dir, 'till') } }]
      }),
    ])
    expect(asFile.code).toBe(78)
    expect(asFile.stderr).toMatch(/gateway\.tills\.0\.token \(till "till-1"\): the token is a demo token/)
    expect(asFile.stderr).not.toContain('tillbridge-demo-till-token')
  })

  it('refuses a short till token and the demo admin token with kind vipps', () => {
    const r = cli([
      'check-config',
      '--config',
      vippsConfig((c, dir) => {
        writeFileSync(join(dir, 'till'), 'abcd')
        writeFileSync(join(dir, 'admin'), 'tillbridge-demo-admin-token')
        c.gateway.tills = [{ id: 'till-1', token: { file: join(dir, 'till') } }]
        c.admin = { enabled: true, token: { file: join(dir, 'admin') } }
      }),
    ])
    expect(r.code).toBe(78)
    expect(r.stderr).toMatch(/gateway\.tills\.0\.token \(till "till-1"\): the token is too short .*about 18 bits/)
    expect(r.stderr).toMatch(/admin\.token \(the admin server\): the token is a demo token/)
  })

  it('refuses http:// to a non-loopback host, and accepts it for a loopback one', () => {
    const lan = cli([
      'check-config',
      '--config',
      vippsConfig((c) => Object.assign(c.provider, { baseUrl: 'http://10.0.0.5:8080' })),
    ])
    expect(lan.code).toBe(78)
    expect(lan.stderr).toMatch(/- provider\.baseUrl: must be https:\/\//)
    const loopback = cli([
      'check-config',
      '--config',
      vippsConfig((c) => Object.assign(c.provider, { baseUrl: 'http://127.0.0.1:9' })),
    ])
    expect(loopback.stderr).toBe('')
    expect(loopback.code).toBe(0)
    expect(loopback.stdout).toMatch(/^warning: provider\.baseUrl is plain http/m)
  })

  it('refuses gateway and admin beyond loopback without TLS, unless the opt-out is set', () => {
    const open = cli([
      'check-config',
      '--config',
      vippsConfig((c) => {
        c.gateway.host = '0.0.0.0'
        c.admin = { enabled: true, host: '0.0.0.0', tokenSha256: sha256Hex(STRONG) }
      }),
    ])
    expect(open.code).toBe(78)
    expect(open.stderr).toMatch(/- gateway\.host: 0\.0\.0\.0 is reachable from the LAN/)
    expect(open.stderr).toMatch(/- admin\.host: 0\.0\.0\.0 is reachable from the LAN/)
    const optedOut = cli([
      'check-config',
      '--config',
      vippsConfig((c) => {
        c.gateway = { ...c.gateway, host: '0.0.0.0', allowPlainLan: true }
        c.admin = { enabled: true, host: '0.0.0.0', tokenSha256: sha256Hex(STRONG), allowPlainLan: true }
      }),
    ])
    expect(optedOut.stderr).toBe('')
  })

  it('check-config says a simulator config moves no money', () => {
    const r = cli([
      'check-config',
      '--config',
      vippsConfig((c) => Object.assign(c, { provider: { kind: 'simulator' } })),
    ])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/OK \(provider simulator[\s\S]*^warning: SIMULATOR: .*no money moves$/m)
  })

  it('refuses the embedded simulator pointed at a Vipps host', () => {
    const r = cli([
      'check-config',
      '--config',
      vippsConfig((c) => {
        c.provider = { kind: 'simulator', baseUrl: 'https://api.vipps.no' }
      }),
    ])
    expect(r.code).toBe(78)
    expect(r.stderr).toMatch(
      /- provider\.baseUrl: https:\/\/api\.vipps\.no is Vipps itself, but provider\.kind is "simulator"/,
    )
  })
})
