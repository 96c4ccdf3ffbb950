import { describe, expect, it } from 'vitest'
import { controlAllowed } from '../../../src/simulator/options.js'

describe('simulator control API access', () => {
  it('answers loopback peers only, unless told to answer any address', () => {
    for (const local of ['127.0.0.1', '127.4.5.6', '::1', '::ffff:127.0.0.1']) {
      expect(controlAllowed(local, false), local).toBe(true)
    }
    for (const lan of ['192.168.1.20', '10.0.0.5', '::ffff:192.168.1.20', 'fd00::2', '128.0.0.1', undefined]) {
      expect(controlAllowed(lan, false), String(lan)).toBe(false)
      expect(controlAllowed(lan, true), String(lan)).toBe(true)
    }
  })
})
