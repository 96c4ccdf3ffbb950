import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../../src/shared/manual-clock.js'
import { SimClock } from '../../../src/simulator/sim-clock.js'

describe('SimClock', () => {
  it('advance() moves wall and monotonic time and fires due timers in order', () => {
    const base = new ManualClock()
    const clock = new SimClock(base)
    const fired: string[] = []
    clock.setTimeout(() => fired.push('b'), 2000)
    clock.setTimeout(() => fired.push('a'), 1000)
    clock.setTimeout(() => fired.push('c'), 3000)
    const wall = clock.now()
    clock.advance(2500)
    expect(fired).toEqual(['a', 'b'])
    expect(clock.now() - wall).toBe(2500)
    expect(clock.monotonic()).toBe(2500)
    expect(base.monotonic()).toBe(0)
  })

  it('also fires when the injected clock moves', async () => {
    const base = new ManualClock()
    const clock = new SimClock(base)
    let fired = 0
    clock.setTimeout(() => fired++, 500)
    await base.advance(499)
    expect(fired).toBe(0)
    await base.advance(1)
    expect(fired).toBe(1)
    expect(base.pendingTimers).toBe(0)
  })

  it('a cleared timer never fires, and a timer set by a timer runs when due', () => {
    const clock = new SimClock(new ManualClock())
    const fired: string[] = []
    const h = clock.setTimeout(() => fired.push('cleared'), 100)
    clock.setTimeout(() => clock.setTimeout(() => fired.push('chained'), 100), 100)
    clock.clearTimeout(h)
    clock.advance(150)
    expect(fired).toEqual([])
    clock.advance(50)
    expect(fired).toEqual(['chained'])
  })

  it('clearAll() drops every timer and the armed one on the injected clock', () => {
    const base = new ManualClock()
    const clock = new SimClock(base)
    clock.setTimeout(() => {
      throw new Error('must not fire')
    }, 10)
    expect(base.pendingTimers).toBe(1)
    clock.clearAll()
    expect(base.pendingTimers).toBe(0)
    clock.advance(100)
  })
})

describe('SimClock and the injected clock together', () => {
  it('a timer falls due on the injected clock sooner after the simulator clock jumped', async () => {
    const base = new ManualClock()
    const clock = new SimClock(base)
    let fired = 0
    clock.setTimeout(() => fired++, 10_000)
    clock.advance(6000)
    await base.advance(3999)
    expect(fired).toBe(0)
    await base.advance(1)
    expect(fired).toBe(1)
  })
})
