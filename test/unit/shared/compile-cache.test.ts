import { chmodSync, mkdirSync, mkdtempSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { type EnableCompileCache, enableCompileCache } from '../../../src/shared/compile-cache.js'

const uid = process.getuid?.()

/** Records the folder Node would be told to use. */
function fakeEnable(): { enable: EnableCompileCache; dirs: Array<string | undefined> } {
  const dirs: Array<string | undefined> = []
  const enable: EnableCompileCache = (dir) => {
    dirs.push(dir)
    return { status: 1, ...(dir ? { directory: dir } : {}) }
  }
  return { dirs, enable }
}

describe('enableCompileCache', () => {
  it("uses a 0700 folder in systemd's state directory", () => {
    const state = mkdtempSync(join(tmpdir(), 'state-'))
    const { enable, dirs } = fakeEnable()
    expect(enableCompileCache({ STATE_DIRECTORY: `${state}:/elsewhere` }, uid, enable)).toBe(
      join(state, 'compile-cache'),
    )
    expect(dirs).toEqual([join(state, 'compile-cache')])
    expect(statSync(join(state, 'compile-cache')).mode & 0o777).toBe(0o700)
  })

  it('without a state directory, a folder of this user in the temporary directory', () => {
    const { enable, dirs } = fakeEnable()
    expect(enableCompileCache({}, uid, enable)).toBe(join(tmpdir(), `tillbridge-compile-cache-${uid ?? 'user'}`))
    expect(dirs).toHaveLength(1)
  })

  it('leaves a folder others may write alone, and does nothing where Node has no cache (Node 20)', () => {
    const state = mkdtempSync(join(tmpdir(), 'state-'))
    mkdirSync(join(state, 'compile-cache'))
    chmodSync(join(state, 'compile-cache'), 0o777)
    const { enable, dirs } = fakeEnable()
    expect(enableCompileCache({ STATE_DIRECTORY: state }, uid, enable)).toBeUndefined()
    expect(dirs).toEqual([])
    expect(enableCompileCache({ STATE_DIRECTORY: state }, uid, undefined)).toBeUndefined()
  })
})
