import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../../src/shared/manual-clock.js'

describe('ManualClock', () => {
  it('fires timers in due order as time advances', async () => {
    const clock = new ManualClock()
    const fired: string[] = []
    clock.setTimeout(() => fired.push('b'), 200)
    clock.setTimeout(() => fired.push('a'), 100)
    const cancelled = clock.setTimeout(() => fired.push('never'), 150)
    clock.clearTimeout(cancelled)
    await clock.advance(199)
    expect(fired).toEqual(['a'])
    await clock.advance(1)
    expect(fired).toEqual(['a', 'b'])
  })

  it('lets awaited sleeps chain within one advance', async () => {
    const clock = new ManualClock()
    const seen: number[] = []
    void (async () => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(1000)
        seen.push(clock.monotonic())
      }
    })()
    await clock.advance(3000)
    expect(seen).toEqual([1000, 2000, 3000])
  })

  it('steps the wall clock without moving monotonic time', () => {
    const clock = new ManualClock(0)
    clock.stepWall(10 * 86_400_000)
    expect(clock.now()).toBe(10 * 86_400_000)
    expect(clock.monotonic()).toBe(0)
  })

  it('rejects a sleep when its signal aborts', async () => {
    const clock = new ManualClock()
    const ac = new AbortController()
    const sleeping = clock.sleep(1000, ac.signal)
    ac.abort(new Error('stop'))
    await expect(sleeping).rejects.toThrow('stop')
    expect(clock.pendingTimers).toBe(0)
  })
})
