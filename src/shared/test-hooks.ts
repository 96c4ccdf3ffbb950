/**
 * Test-only switches, named in TILLBRIDGE_TEST_HOOKS (comma-separated). They exist so the proof
 * tests can show that their checks fail on a deliberately broken daemon. main.ts parses them once
 * and hands them down as an explicit option; nothing reads the environment for them elsewhere.
 * Never set in production: the daemon logs a warning when any is on.
 */
export const TEST_HOOK_NAMES = [
  'block-on-sigusr2',
  'ack-before-commit',
  'synchronous-normal',
  'refuse-creates',
  'wrong-amount',
] as const

export type TestHookName = (typeof TEST_HOOK_NAMES)[number]

export interface TestHooks {
  /** SIGUSR2 blocks the event loop for 3 s (the watchdog test). */
  blockOnSigusr2: boolean
  /** The payments engine answers a till before COMMIT instead of after (the chaos run's broken build). */
  ackBeforeCommit: boolean
  /** The journal opens with synchronous NORMAL instead of FULL (the power-cut test's negative control). */
  synchronousNormal: boolean
  /** The gateway refuses every payment.create (the chaos checker's lazy-daemon probe). */
  refuseCreates: boolean
  /** Every payment is reserved and captured 100 øre above what the till asked (the chaos checker's probe). */
  wrongAmount: boolean
}

export const NO_TEST_HOOKS: TestHooks = Object.freeze({
  blockOnSigusr2: false,
  ackBeforeCommit: false,
  synchronousNormal: false,
  refuseCreates: false,
  wrongAmount: false,
})

/** Parses the variable; an unknown name throws, so a misspelt hook cannot silently test nothing. */
export function parseTestHooks(value: string | undefined): TestHooks {
  const names = (value ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '')
  const unknown = names.filter((n) => !(TEST_HOOK_NAMES as readonly string[]).includes(n))
  if (unknown.length > 0) {
    throw new Error(`unknown TILLBRIDGE_TEST_HOOKS ${unknown.join(', ')}; known: ${TEST_HOOK_NAMES.join(', ')}`)
  }
  const on = (name: TestHookName) => names.includes(name)
  return {
    blockOnSigusr2: on('block-on-sigusr2'),
    ackBeforeCommit: on('ack-before-commit'),
    synchronousNormal: on('synchronous-normal'),
    refuseCreates: on('refuse-creates'),
    wrongAmount: on('wrong-amount'),
  }
}

/** The names that are on, for the start-up warning. */
export function enabledTestHooks(hooks: TestHooks): TestHookName[] {
  const names: TestHookName[] = []
  if (hooks.blockOnSigusr2) names.push('block-on-sigusr2')
  if (hooks.ackBeforeCommit) names.push('ack-before-commit')
  if (hooks.synchronousNormal) names.push('synchronous-normal')
  if (hooks.refuseCreates) names.push('refuse-creates')
  if (hooks.wrongAmount) names.push('wrong-amount')
  return names
}
