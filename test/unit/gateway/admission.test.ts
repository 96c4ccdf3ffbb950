import { describe, expect, it } from 'vitest'
import { AddressAdmission } from '../../../src/gateway/admission.js'
import { ManualClock } from '../../../src/shared/manual-clock.js'

const limits = { maxSocketsPerAddress: 2, authFailuresPerAddress: 3, authBackoffMaxMs: 8000 }

describe('AddressAdmission', () => {
  it('caps sockets per address and frees a place when one closes', () => {
    const a = new AddressAdmission(limits, new ManualClock())
    expect([a.opened('10.0.0.1'), a.opened('10.0.0.1'), a.opened('10.0.0.1')]).toEqual([true, true, false])
    expect(a.opened('10.0.0.2')).toBe(true)
    a.closed('10.0.0.1')
    expect(a.opened('10.0.0.1')).toBe(true)
  })

  it('backs off after the allowed failures: 1 s, doubling, capped; success or quiet time forgives', async () => {
    const clock = new ManualClock()
    const a = new AddressAdmission(limits, clock)
    for (let i = 0; i < 3; i++) a.failed('10.0.0.1')
    expect(a.backoffLeft('10.0.0.1')).toBe(0)
    const waits: number[] = []
    for (let i = 0; i < 6; i++) {
      a.failed('10.0.0.1')
      waits.push(a.backoffLeft('10.0.0.1'))
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 8000, 8000])
    expect(a.backoffLeft('10.0.0.2')).toBe(0)
    await clock.advance(8000)
    expect(a.backoffLeft('10.0.0.1')).toBe(0)
    a.failed('10.0.0.1')
    expect(a.backoffLeft('10.0.0.1')).toBe(8000)
    a.succeeded('10.0.0.1')
    expect(a.backoffLeft('10.0.0.1')).toBe(0)

    for (let i = 0; i < 3; i++) a.failed('10.0.0.3')
    await clock.advance(10 * 60_000 + 1)
    a.failed('10.0.0.3')
    expect(a.backoffLeft('10.0.0.3')).toBe(0)
  })
})
