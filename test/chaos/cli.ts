/**
 * `npm run chaos -- [--seed N] [--duration 90s|30m] [--tills N] [--self-check] [--summary FILE] [--keep]`
 *
 * Runs the daemon under fire (see run.ts) and checks the promise at the end. Exit 0: no
 * violation; 1: violations (the run's directory, with the journal and the daemon's log, is kept);
 * 2: a bad command line or a harness failure. `--self-check` runs a deliberately broken daemon
 * (TILLBRIDGE_TEST_HOOKS=ack-before-commit) and exits 0 only if the checker catches it.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { PACKAGE_ROOT } from '../helpers/daemon-process.js'
import { runChaos } from './run.js'
import { formatSummary, summarize } from './summary.js'

const USAGE =
  'usage: npm run chaos -- [--seed N] [--duration 90s|30m] [--tills N] [--self-check] [--summary FILE] [--keep]'

export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim())
  if (!m) throw new Error(`--duration: "${text}" is not like 90s, 30m or 1h`)
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h']
  return Math.round(Number(m[1]) * unit)
}

async function main(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>
  try {
    ;({ values } = parseArgs({
      args: argv,
      options: {
        seed: { type: 'string' },
        duration: { type: 'string' },
        tills: { type: 'string' },
        'self-check': { type: 'boolean' },
        summary: { type: 'string' },
        keep: { type: 'boolean' },
      },
      strict: true,
    }))
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`)
    return 2
  }
  const selfCheck = values['self-check'] === true
  const seed = values.seed === undefined ? Date.now() % 1_000_000 : Number(values.seed)
  const durationMs = parseDuration(String(values.duration ?? (selfCheck ? '30s' : '60s')))
  const tills = Number(values.tills ?? 8)
  if (!Number.isInteger(seed) || !Number.isInteger(tills) || tills < 1) {
    process.stderr.write(`--seed and --tills take whole numbers\n${USAGE}\n`)
    return 2
  }
  const dir = mkdtempSync(join(tmpdir(), 'tillbridge-chaos-'))
  const say = (line: string) => process.stdout.write(`chaos: ${line}\n`)
  say(
    `seed ${seed}, ${durationMs / 1000} s, ${tills} tills${selfCheck ? ', SELF-CHECK (broken daemon)' : ''}; in ${dir}`,
  )
  const report = await runChaos({
    seed,
    durationMs,
    tills,
    dir,
    progress: say,
    ...(selfCheck ? { testHooks: 'ack-before-commit' } : {}),
  })
  const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: PACKAGE_ROOT, encoding: 'utf8' })
  const summary = summarize(report, git.status === 0 ? git.stdout.trim() : null)
  process.stdout.write(`${formatSummary(summary)}\n`)
  if (typeof values.summary === 'string') writeFileSync(values.summary, `${JSON.stringify(summary, null, 2)}\n`)

  const lost = report.violations.some((v) => v.kind === 'lost')
  const ok = selfCheck ? lost : report.violations.length === 0
  if (selfCheck) {
    say(lost ? 'self-check passed: the checker caught the broken build' : 'SELF-CHECK FAILED: nothing was lost')
  }
  if (ok && values.keep !== true) rmSync(dir, { recursive: true, force: true })
  else say(`kept ${dir} (journal.db, daemon.log)`)
  return ok ? 0 : 1
}

process.exitCode = await main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`chaos: harness failure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
  return 2
})
