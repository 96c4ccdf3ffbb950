import type { Logger } from '../../log/logger.js'
import type { Clock } from '../../shared/clock.js'
import { openVippsSession } from '../vipps-session.js'
import { type CheckResult, skip } from './check.js'
import { checkClockSkew, type DateSample, sampleDates } from './clock-skew.js'
import { checkConfig, checkSecrets } from './config-checks.js'
import { checkDiskSpace, type FreeSpaceFn } from './disk.js'
import { checkJournalIntegrity, checkWalSize } from './journal.js'
import { checkSecurity } from './security-checks.js'
import { checkSalesUnit, checkTokens } from './vipps-checks.js'

export interface DoctorDeps {
  /** --config, else $TILLBRIDGE_CONFIG, else the default config. */
  configPath: string | undefined
  env: NodeJS.ProcessEnv
  clock: Clock
  fetch: typeof globalThis.fetch
  /** For the Vipps clients and the simulator; doctor prints its own report. */
  log: Logger
  freeSpace?: FreeSpaceFn
}

export interface DoctorReport {
  /** The config file read, when it could be. */
  source: string | undefined
  results: CheckResult[]
}

/**
 * Runs every check in order: config, secrets, a token per credential set, each sales unit's
 * settings, the clock against Vipps' `Date`, free disk space, the journal's integrity and WAL.
 * A check that cannot run because an earlier one failed is reported as skipped, never left out.
 */
export async function runDoctor(deps: DoctorDeps): Promise<DoctorReport> {
  const results: CheckResult[] = []
  const { result: configResult, config, source } = checkConfig(deps.configPath, deps.env)
  results.push(configResult)
  if (!config) {
    results.push(skip('secrets', 'not checked: the config is invalid'))
    results.push(skip('vipps', 'not checked: the config is invalid'))
    results.push(skip('journal', 'not checked: the config is invalid'))
    return { source, results }
  }

  const { result: secretsResult, secrets } = checkSecrets(config, deps.env)
  results.push(secretsResult)
  results.push(...checkSecurity(config))
  if (secrets) {
    const samples: DateSample[] = []
    const fetch = sampleDates(deps.fetch, deps.clock, samples)
    const session = await openVippsSession(config, secrets, { clock: deps.clock, fetch, log: deps.log }, 'start')
    try {
      const tokens = await checkTokens(session.clients, session.baseUrl)
      results.push(...tokens.values())
      const setOf = new Map(config.provider.salesUnits.map((u) => [u.msn, u.credentialSet]))
      for (const msn of session.clients.msns()) {
        const set = setOf.get(msn) ?? session.clients.credentialSets()[0] ?? ''
        results.push(...(await checkSalesUnit(session.clients, msn, tokens.get(set), session.environment)))
      }
      results.push(checkClockSkew(samples))
    } finally {
      await session.stop()
    }
  } else {
    results.push(skip('vipps', 'not checked: the secrets could not be read'))
  }

  results.push(checkDiskSpace(config.journal.path, deps.freeSpace))
  results.push(checkJournalIntegrity(config.journal.path, config.journal.busyTimeoutMs))
  results.push(checkWalSize(config.journal.path))
  return { source, results }
}
