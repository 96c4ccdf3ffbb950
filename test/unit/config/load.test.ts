import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/config/load.js'
import { TillbridgeError } from '../../../src/shared/errors.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const tempDir = useTempDir()

function writeConfig(value: unknown): string {
  const file = join(tempDir(), 'config.json')
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value))
  return file
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(TillbridgeError)
    expect((err as TillbridgeError).code).toBe('CONFIG_INVALID')
    return (err as TillbridgeError).details?.problems as string[]
  }
  throw new Error('expected a config error')
}

describe('loadConfig', () => {
  it('fills every default from an empty object and freezes the result', () => {
    const { config } = loadConfig(writeConfig({}), {})
    expect(config.gateway.port).toBe(8787)
    expect(config.gateway.host).toBe('127.0.0.1')
    expect(config.provider.kind).toBe('simulator')
    expect(Object.isFrozen(config.gateway)).toBe(true)
  })

  it('reports every mistake at once, each with its path', () => {
    const file = writeConfig({ gateway: { port: 70000, hots: 'x' }, logging: { level: 'loud' } })
    const problems = problemsOf(() => loadConfig(file, {}))
    expect(problems).toHaveLength(3)
    expect(problems.some((p) => p.startsWith('gateway.port:'))).toBe(true)
    expect(problems).toContain('gateway.hots: unknown key')
    expect(problems.some((p) => p.startsWith('logging.level:'))).toBe(true)
  })

  it('names the file and the line and column of malformed JSON', () => {
    const file = writeConfig('{\n  "gateway": {\n    "port": 80,\n  }\n}')
    expect(() => loadConfig(file, {})).toThrow(/config\.json: malformed JSON at line 4, column 3/)
  })

  it('names a config file that cannot be read', () => {
    expect(() => loadConfig('/nonexistent/tillbridge.json', {})).toThrow(/nonexistent\/tillbridge\.json.*ENOENT/)
  })

  it('applies TILLBRIDGE_* overrides on top of the file, by nested key', () => {
    const file = writeConfig({ gateway: { port: 8000 } })
    const { config } = loadConfig(file, {
      TILLBRIDGE_GATEWAY__PORT: '9100',
      TILLBRIDGE_PROVIDER__BASE_URL: 'https://vipps-proxy.example',
      TILLBRIDGE_LOGGING__LEVEL: 'debug',
    })
    expect(config.gateway.port).toBe(9100)
    expect(config.provider.baseUrl).toBe('https://vipps-proxy.example')
    expect(config.logging.level).toBe('debug')
  })

  it('takes the file from TILLBRIDGE_CONFIG when no path is given', () => {
    const file = writeConfig({ gateway: { port: 8123 } })
    expect(loadConfig(undefined, { TILLBRIDGE_CONFIG: file }).config.gateway.port).toBe(8123)
  })

  it('treats an override that names no key as a problem, and validates overridden values', () => {
    const file = writeConfig({})
    const problems = problemsOf(() =>
      loadConfig(file, { TILLBRIDGE_GATEWAY__PROT: '1', TILLBRIDGE_GATEWAY__PORT: '"eighty"' }),
    )
    expect(problems).toContain('TILLBRIDGE_GATEWAY__PROT: names no config key')
    expect(problems.some((p) => p.startsWith('gateway.port:'))).toBe(true)
  })

  it('checks rules that span keys', () => {
    const file = writeConfig({
      provider: { kind: 'vipps', salesUnits: [{ msn: '123456', credentialSet: 'missing' }] },
      gateway: {
        tills: [
          { id: 'a', tokenSha256: 'a'.repeat(64) },
          { id: 'a', tokenSha256: 'b'.repeat(64) },
        ],
      },
    })
    const problems = problemsOf(() => loadConfig(file, {}))
    expect(problems).toContain('provider.salesUnits.0.credentialSet: no credential set named "missing"')
    expect(problems).toContain('gateway.tills: till id "a" appears twice')
  })

  it('accepts the shipped default and production example files', () => {
    expect(loadConfig(undefined, {}).config.gateway.tills).toHaveLength(1)
    const example = new URL('../../../config/production.example.json', import.meta.url).pathname
    expect(loadConfig(example, {}).config.provider.kind).toBe('vipps')
  })

  it('checks the nightly reconciliation: a bad cron expression and an unknown time zone are named', () => {
    const file = writeConfig({ reconcile: { cron: '61 * * * *', timeZone: 'Mars/Olympus' } })
    expect(problemsOf(() => loadConfig(file, {}))).toEqual([
      'reconcile.cron: "61 * * * *" is not a cron expression',
      'reconcile.timeZone: "Mars/Olympus" is not an IANA time zone (e.g. Europe/Oslo)',
    ])
    const ok = loadConfig(writeConfig({ reconcile: { timeZone: 'Europe/Oslo' } }), {}).config
    expect(ok.reconcile).toEqual({ enabled: true, cron: '40 2 * * *', timeZone: 'Europe/Oslo' })
  })
})
