import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkDiskSpace, existingDirOf, freeSpace } from '../../../../src/ops/doctor/disk.js'

const MB = 1024 * 1024

describe('free disk space on the journal filesystem', () => {
  it('warns below 500 MB and fails below 50 MB, saying what happens when it runs out', () => {
    const withFree = (bytes: number) => checkDiskSpace('/var/lib/tillbridge/j.db', () => bytes)
    expect(withFree(600 * MB).status).toBe('pass')
    expect(withFree(499 * MB)).toMatchObject({ status: 'warn', finding: expect.stringContaining('499.0 MB free') })
    const full = withFree(49 * MB)
    expect(full.status).toBe('fail')
    expect(full.fix).toMatch(/stops rather than accept payments/)
  })

  it('measures the nearest existing directory before the journal exists', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-disk-'))
    try {
      expect(existingDirOf(join(dir, 'not', 'yet', 'j.db'))).toBe(dir)
      const seen: string[] = []
      checkDiskSpace(join(dir, 'not', 'j.db'), (p) => {
        seen.push(p)
        return freeSpace(p)
      })
      expect(seen).toEqual([dir])
      expect(freeSpace(dir)).toBeGreaterThan(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('fails with the reason when the space cannot be read', () => {
    const result = checkDiskSpace('/tmp/j.db', () => {
      throw Object.assign(new Error('nope'), { code: 'EACCES' })
    })
    expect(result).toMatchObject({ status: 'fail', finding: expect.stringContaining('EACCES') })
  })
})
