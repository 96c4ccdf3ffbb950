import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { PACKAGE_ROOT } from '../helpers/daemon-process.js'
import { SPEC_DIR, specAvailable } from '../helpers/openapi-load.js'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where workers note each conformance check they had to skip (one line per check). */
    conformanceSkipDir: string
  }
}

/**
 * Runs once per `vitest run`, before any worker:
 * - the OpenAPI conformance checks never vanish silently: in CI a missing spec folder fails the
 *   run; elsewhere the run ends with one line counting the checks that were skipped;
 * - integration tests never test a stale dist/: it is rebuilt when a source file is newer.
 * The unit tier (TILLBRIDGE_TEST_TIER=unit) runs no process, so it skips the build.
 */
/**
 * Both projects (unit, integration) call setup in this one process, each through its own module
 * instance, so the state they share hangs off globalThis; the first does the work, the last
 * prints the count.
 */
const registry = globalThis as Record<symbol, unknown>
const KEY = Symbol.for('tillbridge.globalSetup')
if (!registry[KEY]) registry[KEY] = { users: 0, skipDir: '' }
const shared = registry[KEY] as { users: number; skipDir: string }

export function setup(project: TestProject): () => void {
  if (shared.users++ === 0) {
    if (!specAvailable() && isCi(process.env.CI)) {
      throw new Error(
        `the Vipps OpenAPI files are missing from ${SPEC_DIR}: in CI the conformance checks must run. ` +
          'Set VIPPS_OPENAPI_DIR to the folder holding epayment-v1.yaml, access-token.yaml, webhooks-v1.yaml, ' +
          'management-v1.yaml and order-management-2.3.24.yaml (../shared/vipps-openapi by default).',
      )
    }
    if (process.env.TILLBRIDGE_TEST_TIER !== 'unit') ensureFreshDist()
    shared.skipDir = mkdtempSync(join(tmpdir(), 'tillbridge-conformance-'))
  }
  project.provide('conformanceSkipDir', shared.skipDir)
  return () => {
    if (--shared.users > 0) return
    const skipped = countLines(shared.skipDir)
    rmSync(shared.skipDir, { recursive: true, force: true })
    if (skipped > 0) {
      // After the summary, so it is the run's closing line.
      process.on('exit', () =>
        console.log(
          `\nOpenAPI conformance: ${skipped} check(s) SKIPPED: no spec files in ${SPEC_DIR}. ` +
            'Run them: set VIPPS_OPENAPI_DIR=/path/to/vipps-openapi (or place the files in ../shared/vipps-openapi).',
        ),
      )
    }
  }
}

function isCi(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false'
}

function countLines(dir: string): number {
  let n = 0
  for (const file of readdirSync(dir)) n += readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean).length
  return n
}

/** Rebuilds dist/ with tsc when any file under src/ (or tsconfig.json) is newer than dist/main.js. */
function ensureFreshDist(): void {
  const built = join(PACKAGE_ROOT, 'dist', 'main.js')
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0
  const newest = Math.max(newestMtime(join(PACKAGE_ROOT, 'src')), statSync(join(PACKAGE_ROOT, 'tsconfig.json')).mtimeMs)
  if (newest <= builtAt) return
  console.log('dist/ is older than src/: building (npm run build) so no test runs stale code')
  const tsc = join(PACKAGE_ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: PACKAGE_ROOT, encoding: 'utf8' })
  if (r.status !== 0)
    throw new Error(`dist/ is stale and the build failed; refusing to test it:\n${r.stdout}${r.stderr}`)
}

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}
