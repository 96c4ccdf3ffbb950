/**
 * A small seeded pseudo-random generator (mulberry32), so every random choice of the simulator
 * (fault draws, pspReferences, trace ids) repeats exactly for the same seed. Not for secrets.
 */
export class Prng {
  #state: number

  constructor(seed: number) {
    this.#state = seed >>> 0
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0
    let t = this.#state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** An integer in [0, max). */
  int(max: number): number {
    return Math.floor(this.next() * max)
  }

  /** `length` lowercase hex digits. */
  hex(length: number): string {
    let out = ''
    while (out.length < length) out += this.int(16).toString(16)
    return out
  }

  /** `length` decimal digits, never starting with 0. */
  digits(length: number): string {
    let out = String(1 + this.int(9))
    while (out.length < length) out += String(this.int(10))
    return out
  }
}
