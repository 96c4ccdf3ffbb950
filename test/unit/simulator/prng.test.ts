import { describe, expect, it } from 'vitest'
import { Prng } from '../../../src/simulator/prng.js'

describe('Prng', () => {
  const draw = (seed: number, n = 20) => {
    const p = new Prng(seed)
    return Array.from({ length: n }, () => p.next())
  }

  it('repeats the same sequence for the same seed and differs for another', () => {
    expect(draw(42)).toEqual(draw(42))
    expect(draw(42)).not.toEqual(draw(43))
  })

  it('stays in [0, 1) and spreads over it', () => {
    const values = draw(7, 2000)
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true)
    expect(values.filter((v) => v < 0.5).length).toBeGreaterThan(800)
    expect(values.filter((v) => v >= 0.5).length).toBeGreaterThan(800)
  })

  it('makes digit strings without a leading zero and hex of the asked length', () => {
    const p = new Prng(3)
    for (let i = 0; i < 50; i++) expect(p.digits(10)).toMatch(/^[1-9]\d{9}$/)
    expect(p.hex(32)).toMatch(/^[0-9a-f]{32}$/)
  })
})
