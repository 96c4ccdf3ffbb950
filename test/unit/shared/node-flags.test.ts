import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { NODE_ENV, NODE_FLAGS } from '../../../src/shared/node-flags.js'

const ROOT = join(import.meta.dirname, '..', '..', '..')
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8')

/** The flags between `node` and the script in a command line. */
function flagsIn(line: string | undefined, script: string): string[] {
  const m = new RegExp(`node((?: --[^ ]+)*) ${script}`).exec(line ?? '')
  if (!m) throw new Error(`no "node … ${script}" in ${line}`)
  return (m[1] ?? '').trim().split(' ').filter(Boolean)
}

describe('NODE_FLAGS and NODE_ENV, everywhere the daemon starts', () => {
  it("are on dist/main.js's #! line, in the unit, /usr/bin/tillbridge and npm start", () => {
    const shebang = read('src/main.ts').split('\n')[0]
    const assignments = Object.entries(NODE_ENV).map(([k, v]) => `${k}=${v}`)
    expect(shebang).toBe(`#!/usr/bin/env -S ${assignments.join(' ')} node ${NODE_FLAGS.join(' ')}`)
    const unit = read('systemd/tillbridge.service')
    expect(flagsIn(/^ExecStart=.*$/m.exec(unit)?.[0], '/opt/tillbridge/dist/main.js')).toEqual(NODE_FLAGS)
    for (const a of assignments) expect(unit).toMatch(new RegExp(`^Environment=${a}$`, 'm'))
    const wrapper = read('packaging/debian/tillbridge.sh')
    expect(flagsIn(/^exec .*$/m.exec(wrapper)?.[0], '/opt/tillbridge/dist/main.js')).toEqual(NODE_FLAGS)
    for (const a of assignments) expect(wrapper).toMatch(new RegExp(`^export ${a}$`, 'm'))
    const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.start
    expect(flagsIn(start, 'dist/main.js')).toEqual(NODE_FLAGS)
    expect(start?.startsWith(`${assignments.join(' ')} node `)).toBe(true)
  })

  it('are flags this Node knows (a typo would stop the daemon from starting)', () => {
    const r = spawnSync(process.execPath, [...NODE_FLAGS, '-e', 'process.exit(0)'], { encoding: 'utf8' })
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
  })
})
