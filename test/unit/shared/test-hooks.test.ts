import { describe, expect, it } from 'vitest'
import { enabledTestHooks, NO_TEST_HOOKS, parseTestHooks } from '../../../src/shared/test-hooks.js'

describe('parseTestHooks', () => {
  it('turns nothing on when the variable is absent or empty', () => {
    expect(parseTestHooks(undefined)).toEqual(NO_TEST_HOOKS)
    expect(parseTestHooks('')).toEqual(NO_TEST_HOOKS)
  })

  it('reads a comma-separated list', () => {
    const hooks = parseTestHooks('ack-before-commit, synchronous-normal')
    expect(hooks).toEqual({
      blockOnSigusr2: false,
      ackBeforeCommit: true,
      synchronousNormal: true,
      refuseCreates: false,
      wrongAmount: false,
    })
    expect(enabledTestHooks(hooks)).toEqual(['ack-before-commit', 'synchronous-normal'])
  })

  it('refuses an unknown name, so a misspelt hook cannot silently test nothing', () => {
    expect(() => parseTestHooks('ack-before-comit')).toThrow(/unknown TILLBRIDGE_TEST_HOOKS ack-before-comit/)
  })
})
