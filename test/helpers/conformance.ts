import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeEach, describe, inject } from 'vitest'
import { specAvailable } from './openapi-load.js'

/**
 * Conformance checks that cannot silently vanish. Without the official OpenAPI files they are
 * skipped, but each skip is noted, and the run ends with a line counting them (test/setup/
 * global-setup.ts); in CI the run fails before any test instead.
 */
export function noteConformanceSkipped(what: string): void {
  const dir = inject('conformanceSkipDir')
  appendFileSync(join(dir, `${process.pid}.log`), `${what.replaceAll('\n', ' ')}\n`)
}

/** A describe block whose tests check against the OpenAPI files: each is skipped (and noted) without them. */
export function describeConformance(name: string, body: () => void): void {
  describe(name, () => {
    if (!specAvailable()) {
      beforeEach((ctx) => {
        noteConformanceSkipped(ctx.task.name)
        ctx.skip()
      })
    }
    body()
  })
}
