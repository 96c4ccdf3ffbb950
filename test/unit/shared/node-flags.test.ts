import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { NODE_FLAGS } from '../../../src/shared/node-flags.js'

const ROOT = join(import.meta.dirname, '..', '..', '..')
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8')

/** The flags between `node` and the script in a command line. */
function flagsIn(line: string | undefined, script: string): string[] {
  const m = new RegExp(`node((?: --[^ ]+)*) ${script}`).exec(line ?? '')
  if (!m) throw new Error(`no "node … ${script}" in ${line}`)
  return (m[1] ?? '').trim().split(' ').filter(Boolean)
}

describe('NODE_FLAGS, everywhere the daemon starts', () => {
  it("are on dist/main.js's #! line, the unit's ExecStart, /usr/bin/tillbridge and npm start", () => {
    const shebang = read('src/main.ts').split('\n')[0]
    expect(shebang).toBe(`#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}`)
    const execStart = /^ExecStart=.*$/m.exec(read('systemd/tillbridge.service'))?.[0]
    expect(flagsIn(execStart, '/opt/tillbridge/dist/main.js')).toEqual(NODE_FLAGS)
    const wrapper = /^exec .*$/m.exec(read('packaging/debian/tillbridge.sh'))?.[0]
    expect(flagsIn(wrapper, '/opt/tillbridge/dist/main.js')).toEqual(NODE_FLAGS)
    const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.start
    expect(flagsIn(start, 'dist/main.js')).toEqual(NODE_FLAGS)
  })

  it('are flags this Node knows (a typo would stop the daemon from starting)', () => {
    const r = spawnSync(process.execPath, [...NODE_FLAGS, '-e', 'process.exit(0)'], { encoding: 'utf8' })
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
  })
})
