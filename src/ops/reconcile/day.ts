import type { Config } from '../../config/schema.js'
import { TillbridgeError } from '../../shared/errors.js'

/**
 * Store days. A payment belongs to the day of the store's wall clock when it was accepted, in the
 * store's time zone: `reconcile.timeZone`, else the machine's own (TZ, else /etc/localtime).
 * Day bounds are computed through Intl, so a daylight-saving day has its 23 or 25 hours.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** The machine's time zone as Node resolves it (TZ, else /etc/localtime); UTC when unknown. */
export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
}

/** The time zone of store days and of times shown to people: reconcile.timeZone, else the machine's. */
export function storeTimeZone(config: Pick<Config, 'reconcile'>): string {
  return config.reconcile.timeZone ?? systemTimeZone()
}

/** `YYYY-MM-DD HH:MM:SS` on the store's wall clock. */
export function localTime(ms: number, timeZone: string): string {
  const p = wallParts(ms, timeZone)
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`
}

/** Checks a `YYYY-MM-DD` the calendar knows (no 2026-02-30). */
export function parseDay(text: string): { year: number; month: number; day: number } {
  const m = DATE.exec(text)
  const [year, month, day] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0]
  const probe = new Date(Date.UTC(year, month - 1, day))
  if (!m || probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) {
    throw new TillbridgeError('USAGE', `"${text}" is not a date of the form YYYY-MM-DD`)
  }
  return { year, month, day }
}

/** The `YYYY-MM-DD` of an instant in a time zone. */
export function dayOf(ms: number, timeZone: string): string {
  const p = wallParts(ms, timeZone)
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`
}

/** The day before the one `ms` falls in, in a time zone: what the nightly job reconciles. */
export function previousDay(ms: number, timeZone: string): string {
  const { year, month, day } = parseDay(dayOf(ms, timeZone))
  const before = new Date(Date.UTC(year, month - 1, day - 1))
  return before.toISOString().slice(0, 10)
}

/** [start, end) in epoch ms of a store day. */
export function dayBounds(date: string, timeZone: string): { start: number; end: number } {
  const { year, month, day } = parseDay(date)
  return { start: startOfDay(year, month, day, timeZone), end: startOfDay(year, month, day + 1, timeZone) }
}

function startOfDay(year: number, month: number, day: number, timeZone: string): number {
  const midnightUtc = Date.UTC(year, month - 1, day)
  let start = midnightUtc - offsetAt(midnightUtc, timeZone)
  // The offset at the guess may differ from the one at local midnight (a change that day).
  const offset = offsetAt(start, timeZone)
  start = midnightUtc - offset
  return start
}

/** How far the zone's wall clock is ahead of UTC at an instant, in ms. */
function offsetAt(ms: number, timeZone: string): number {
  const p = wallParts(ms, timeZone)
  const wallAsUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second)
  return wallAsUtc - Math.floor(ms / 1000) * 1000
}

function wallParts(ms: number, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(ms))
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((x) => x.type === type)?.value ?? 0)
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  }
}

function pad(n: number): string {
  return String(n).padStart(2, '0')
}
