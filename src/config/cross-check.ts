import { validate as validCron } from 'node-cron'
import type { Config } from './schema.js'
import { type RawFacts, securityProblems } from './security-check.js'

/** Rules that span several keys; run after the schema has accepted each key on its own. */
export function crossCheckConfig(config: Config, raw: RawFacts = { kindGiven: true, baseUrlGiven: true }): string[] {
  const problems: string[] = securityProblems(config, raw)
  const setNames = new Set(config.provider.credentialSets.map((s) => s.name))
  const msns = new Set(config.provider.salesUnits.map((u) => u.msn))

  config.provider.salesUnits.forEach((unit, i) => {
    if (!setNames.has(unit.credentialSet)) {
      problems.push(`provider.salesUnits.${i}.credentialSet: no credential set named "${unit.credentialSet}"`)
    }
  })
  if (config.provider.kind === 'vipps' && config.provider.salesUnits.length === 0) {
    problems.push('provider.salesUnits: at least one sales unit is needed when provider.kind is "vipps"')
  }
  for (const msn of duplicates(config.provider.salesUnits.map((u) => u.msn))) {
    problems.push(`provider.salesUnits: MSN ${msn} appears twice`)
  }
  for (const id of duplicates(config.gateway.tills.map((t) => t.id))) {
    problems.push(`gateway.tills: till id "${id}" appears twice`)
  }
  config.gateway.tills.forEach((till, i) => {
    if (till.tokenSha256 && till.token) problems.push(`gateway.tills.${i}: give tokenSha256 or token, not both`)
    if (!till.tokenSha256 && !till.token) problems.push(`gateway.tills.${i}: needs tokenSha256 or token`)
    if (till.previousTokenSha256 && till.previousToken) {
      problems.push(`gateway.tills.${i}: give previousTokenSha256 or previousToken, not both`)
    }
    if (till.msn && config.provider.kind === 'vipps' && !msns.has(till.msn)) {
      problems.push(`gateway.tills.${i}.msn: ${till.msn} is not one of provider.salesUnits`)
    }
  })
  if (!validCron(config.payments.pruneCron)) {
    problems.push(`payments.pruneCron: "${config.payments.pruneCron}" is not a cron expression`)
  }
  if (config.payments.retryMaxDelayMs < config.payments.retryMinDelayMs) {
    problems.push('payments.retryMaxDelayMs: must be at least payments.retryMinDelayMs')
  }
  if (!validCron(config.reconcile.cron)) {
    problems.push(`reconcile.cron: "${config.reconcile.cron}" is not a cron expression`)
  }
  if (config.reconcile.timeZone !== undefined && !isTimeZone(config.reconcile.timeZone)) {
    problems.push(`reconcile.timeZone: "${config.reconcile.timeZone}" is not an IANA time zone (e.g. Europe/Oslo)`)
  }
  if (config.admin.token && config.admin.tokenSha256) problems.push('admin: give token or tokenSha256, not both')
  if (config.provider.maxRetryDelayMs < config.provider.minRetryDelayMs) {
    problems.push('provider.maxRetryDelayMs: must be at least provider.minRetryDelayMs')
  }
  return problems
}

function duplicates(values: string[]): string[] {
  const seen = new Set<string>()
  const dup = new Set<string>()
  for (const v of values) (seen.has(v) ? dup : seen).add(v)
  return [...dup]
}

/** True for a time zone name Intl knows, e.g. Europe/Oslo. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone })
    return true
  } catch {
    return false
  }
}
