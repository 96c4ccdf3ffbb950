import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FootprintFile, type FootprintSnapshot, memorySplit } from '../../../src/ops/footprint.js'
import { ManualClock } from '../../../src/shared/manual-clock.js'
import { StartupTimeline } from '../../../src/shared/startup-timeline.js'

const STATUS = 'Name:\tnode\nVmRSS:\t   90000 kB\nRssAnon:\t   40000 kB\nRssFile:\t   50000 kB\n'
const USAGE: NodeJS.MemoryUsage = { rss: 1, heapTotal: 30, heapUsed: 20, external: 4, arrayBuffers: 2 }

describe('FootprintFile (TILLBRIDGE_FOOTPRINT_FILE)', () => {
  it('rewrites the file with the start-up marks and the memory split every interval and at stop', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'footprint-')), 'footprint.json')
    const clock = new ManualClock()
    let now = 40
    const timeline = new StartupTimeline(() => now)
    timeline.mark('main')
    now = 250
    timeline.mark('modules')
    const footprint = new FootprintFile({
      file,
      timeline,
      clock,
      intervalMs: 1000,
      readStatus: () => STATUS,
      memoryUsage: () => USAGE,
    })
    await footprint.start()
    const read = () => JSON.parse(readFileSync(file, 'utf8')) as FootprintSnapshot
    await clock.advance(1000)
    expect(read().startup).toEqual([
      { step: 'main', atMs: 40 },
      { step: 'modules', atMs: 250 },
    ])
    timeline.mark('ready', 300)
    await clock.advance(1000)
    expect(read().startup.map((m) => m.step)).toEqual(['main', 'modules', 'ready'])
    timeline.mark('after-stop', 400)
    await footprint.stop()
    expect(read().startup.at(-1)).toEqual({ step: 'after-stop', atMs: 400 })
    const memory = read().memory
    expect(memory).toMatchObject({ rss: 90000 * 1024, rssAnon: 40000 * 1024, rssFile: 50000 * 1024, heapUsed: 20 })
    expect(memory.heapTotal).toBe(30)
  })

  it('splits off what V8 knows (code, heap spaces) and falls back to the total RSS off Linux', () => {
    const split = memorySplit(
      () => {
        throw new Error('ENOENT')
      },
      () => USAGE,
    )
    expect(split.rss).toBe(1)
    expect(split.rssFile).toBeNaN()
    expect(split.code).toBeGreaterThan(0)
    expect(Object.keys(split.heapSpaces)).toContain('old_space')
  })
})
