import type { Clock } from '../../shared/clock.js'
import { type CheckResult, fail, pass, skip, warn } from './check.js'

/** One answer's `Date` header beside our own wall clock when the request went out and came back. */
export interface DateSample {
  serverMs: number
  sentAt: number
  receivedAt: number
}

export interface SkewEstimate {
  /** Vipps' time minus ours: positive when this machine's clock is behind. */
  skewMs: number
  /** How far off the estimate may be: half a second of Date's resolution plus half the round trip. */
  uncertaintyMs: number
}

export const SKEW_WARN_MS = 2000
export const SKEW_FAIL_MS = 30_000

/**
 * Wraps fetch so every answer's `Date` header is kept. The check then needs no request of its
 * own: the token and sales-unit calls already carry the provider's time.
 */
export function sampleDates(fetchImpl: typeof globalThis.fetch, clock: Clock, samples: DateSample[]) {
  const sampled: typeof globalThis.fetch = async (input, init) => {
    const sentAt = clock.now()
    const response = await fetchImpl(input, init)
    const date = Date.parse(response.headers.get('date') ?? '')
    if (Number.isFinite(date)) samples.push({ serverMs: date, sentAt, receivedAt: clock.now() })
    return response
  }
  return sampled
}

/**
 * `Date` has whole seconds, truncated: the provider's true time lies in [date, date + 1 s). The
 * sample with the shortest round trip gives the tightest estimate.
 */
export function estimateSkew(samples: readonly DateSample[]): SkewEstimate | undefined {
  let best: SkewEstimate | undefined
  for (const s of samples) {
    const halfTrip = Math.max(0, s.receivedAt - s.sentAt) / 2
    const estimate = { skewMs: s.serverMs + 500 - (s.sentAt + halfTrip), uncertaintyMs: 500 + halfTrip }
    if (!best || estimate.uncertaintyMs < best.uncertaintyMs) best = estimate
  }
  return best
}

export function checkClockSkew(samples: readonly DateSample[]): CheckResult {
  const estimate = estimateSkew(samples)
  if (!estimate) return skip('clock', 'no answer from Vipps to compare the clock with')
  const seconds = Math.abs(estimate.skewMs) / 1000
  const direction = estimate.skewMs > 0 ? 'behind' : 'ahead of'
  const finding = `this machine's clock is ${seconds.toFixed(1)} s ${direction} Vipps (± ${(estimate.uncertaintyMs / 1000).toFixed(1)} s)`
  const fix =
    'access tokens, TLS certificates and webhook signatures depend on the clock: enable NTP ' +
    '(`timedatectl set-ntp true`, systemd-timesyncd) and check `timedatectl status` says "System clock synchronized: yes"'
  if (Math.abs(estimate.skewMs) > SKEW_FAIL_MS) return fail('clock', finding, fix)
  if (Math.abs(estimate.skewMs) > SKEW_WARN_MS) return warn('clock', finding, fix)
  return pass('clock', finding)
}
