import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { MAIN_JS, PACKAGE_ROOT } from '../../helpers/daemon-process.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const tempDir = useTempDir()
const EXAMPLE = join(PACKAGE_ROOT, 'config', 'production.example.json')
const UNIT = join(PACKAGE_ROOT, 'systemd', 'tillbridge.service')

/** The credential names the unit loads, as systemd would put them in $CREDENTIALS_DIRECTORY. */
function unitCredentials(): string[] {
  return [...readFileSync(UNIT, 'utf8').matchAll(/^LoadCredentialEncrypted=([^:]+):/gm)].map((m) => m[1] as string)
}

/** Every `{"credential": …}` the example config names. */
function exampleCredentials(): string[] {
  return [...readFileSync(EXAMPLE, 'utf8').matchAll(/"credential":\s*"([^"]+)"/g)].map((m) => m[1] as string)
}

describe('the shipped production example and the systemd unit', () => {
  it('start together: every credential the example names is one the unit loads, till tokens included', () => {
    const loaded = unitCredentials()
    expect(loaded).toEqual(expect.arrayContaining(['till-1-token', 'till-2-token', 'admin-token']))
    expect(exampleCredentials().filter((name) => !loaded.includes(name))).toEqual([])
  })

  it("passes check-config inside the unit's credentials (fresh random values, as the README makes them)", () => {
    const creds = join(tempDir(), 'credentials')
    mkdirSync(creds)
    for (const name of unitCredentials()) writeFileSync(join(creds, name), `${randomBytes(32).toString('base64url')}\n`)
    const r = spawnSync(process.execPath, [MAIN_JS, 'check-config', '--config', EXAMPLE], {
      env: { PATH: process.env.PATH, CREDENTIALS_DIRECTORY: creds },
      encoding: 'utf8',
    })
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/OK \(provider vipps, 2 till\(s\), 1 credential set\(s\)/)
  })

  it('says which credentials are missing when run outside the unit', () => {
    const r = spawnSync(process.execPath, [MAIN_JS, 'check-config', '--config', EXAMPLE], {
      env: { PATH: process.env.PATH },
      encoding: 'utf8',
    })
    expect(r.status).toBe(78)
    expect(r.stderr).toMatch(
      /gateway\.tills\.0\.token: credential "till-1-token" named but \$CREDENTIALS_DIRECTORY is not set/,
    )
  })
})
