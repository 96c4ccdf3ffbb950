/**
 * One finding of `tillbridge doctor`. Each check says what it saw in one line and, when it is not
 * a pass, what to do about it, in words a store technician can act on.
 */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip'

export interface CheckResult {
  /** What was checked: config, secrets, token, sales-unit, clock, disk, journal, wal. */
  check: string
  /** Which instance: a credential set's name, an MSN, a path. */
  subject?: string
  status: CheckStatus
  /** One line: what was found. */
  finding: string
  /** Every individual problem, when there are several (config, secrets). */
  details?: string[]
  /** How to fix it; given for warn and fail. */
  fix?: string
}

type Extra = Pick<CheckResult, 'subject' | 'details'>

export function pass(check: string, finding: string, extra: Extra = {}): CheckResult {
  return { check, ...extra, status: 'pass', finding }
}

export function skip(check: string, finding: string, extra: Extra = {}): CheckResult {
  return { check, ...extra, status: 'skip', finding }
}

export function warn(check: string, finding: string, fix: string, extra: Extra = {}): CheckResult {
  return { check, ...extra, status: 'warn', finding, fix }
}

export function fail(check: string, finding: string, fix: string, extra: Extra = {}): CheckResult {
  return { check, ...extra, status: 'fail', finding, fix }
}

export function anyFailed(results: readonly CheckResult[]): boolean {
  return results.some((r) => r.status === 'fail')
}
