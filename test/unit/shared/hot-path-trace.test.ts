import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FileHotPathTrace, TRACE_STAGES } from '../../../src/shared/hot-path-trace.js'

async function traced(run: (t: FileHotPathTrace) => void): Promise<unknown[]> {
  const file = join(mkdtempSync(join(tmpdir(), 'trace-')), 'trace.jsonl')
  const trace = new FileHotPathTrace(file)
  await trace.start()
  run(trace)
  await trace.stop()
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as unknown)
}

const sales = (lines: unknown[]) => lines.filter((l): l is number[] => Array.isArray(l))

describe('FileHotPathTrace', () => {
  it('writes one line of ascending stamps per sale once its pending event is written', async () => {
    const lines = await traced((t) => {
      for (const stage of TRACE_STAGES) t.mark('till-1', 'k1', stage)
    })
    expect(sales(lines)).toHaveLength(1)
    const [stamps] = sales(lines) as [number[]]
    expect(stamps).toHaveLength(TRACE_STAGES.length)
    expect(stamps.every((s, i) => i === 0 || s >= (stamps[i - 1] as number))).toBe(true)
  })

  it('keeps the first stamp of a stage, ignores sales it never saw parsed, and keeps tills apart', async () => {
    const lines = await traced((t) => {
      t.mark('till-1', 'k1', 'frameParsed')
      t.mark('till-1', 'k1', 'acceptCommitted')
      const first = performance.now()
      while (performance.now() - first < 2) {}
      t.mark('till-1', 'k1', 'acceptCommitted')
      t.mark('till-2', 'k1', 'eventWritten')
      t.mark('till-1', 'k1', 'eventWritten')
    })
    expect(sales(lines)).toHaveLength(1)
    const [stamps] = sales(lines) as [number[]]
    // The repeated accept stamp (2 ms later) was ignored: the first one stands.
    expect((stamps[7] as number) - (stamps[1] as number)).toBeGreaterThanOrEqual(2)
    // JSON has no NaN: the stages not seen are null.
    expect(stamps[3]).toBeNull()
  })

  it("ends with the event loop's delay over its life", async () => {
    const lines = await traced(() => {})
    expect(lines).toEqual([
      {
        eventLoopDelayMs: {
          p50: expect.any(Number),
          p99: expect.any(Number),
          max: expect.any(Number),
          samples: expect.any(Number),
        },
      },
    ])
  })
})
