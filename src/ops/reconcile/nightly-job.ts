import { existsSync } from 'node:fs'
import { chmod, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type ScheduledTask, schedule } from 'node-cron'
import type { Logger } from '../../log/logger.js'
import type { Clock, TimerHandle } from '../../shared/clock.js'
import type { Component } from '../../shared/lifecycle.js'
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../../shared/private-files.js'
import { discrepancyCount } from './compare.js'
import { previousDay } from './day.js'
import { formatReconcileCsv, formatReconcileText } from './format.js'
import type { ReconcileReport } from './types.js'

export interface NightlyReconcileOptions {
  /** node-cron expression on the store's wall clock. */
  cron: string
  timeZone: string
  /** Where `reconcile-YYYY-MM-DD.csv` and `.txt` go. */
  dir: string
  clock: Clock
  log: Logger
  /** `probe`: also look past the journal's newest reference (once per run: for yesterday). */
  reconcile: (date: string, probe: boolean) => Promise<ReconcileReport>
  /** How long after start a catch-up of missed nights runs. @defaultValue 60000 */
  catchUpDelayMs?: number
}

/** Nights a run looks back for a missing report (a till switched off at night misses its run). */
export const CATCH_UP_DAYS = 7
/** When Vipps could not be asked about every payment, the day is tried again this much later. */
const RETRY_MS = 3600_000

/**
 * Writes the reconciliation of each finished store day to a file, once: nightly on node-cron (a
 * wall-clock job, so it follows the store's calendar), and shortly after start for nights the
 * machine was off. A day that already has its report is not reconciled again; a missed day
 * without payments gets no file, except yesterday, which always gets one. A day Vipps could not
 * be fully asked about gets no file and is tried again an hour later.
 */
export class NightlyReconcile implements Component {
  readonly name = 'nightly-reconcile'
  readonly #o: NightlyReconcileOptions
  #task: ScheduledTask | undefined
  #catchUp: TimerHandle | undefined
  #running: Promise<void> | undefined

  constructor(options: NightlyReconcileOptions) {
    this.#o = options
  }

  async start(): Promise<void> {
    this.#task = schedule(this.#o.cron, () => this.runDue(), {
      name: 'nightly-reconcile',
      noOverlap: true,
      timezone: this.#o.timeZone,
    })
    this.#schedule(this.#o.catchUpDelayMs ?? 60_000)
  }

  async stop(): Promise<void> {
    if (this.#catchUp) this.#o.clock.clearTimeout(this.#catchUp)
    this.#catchUp = undefined
    await this.#task?.destroy()
    this.#task = undefined
    await this.#running
  }

  /** The report file of a day (CSV; the text report sits beside it). */
  fileOf(date: string): string {
    return join(this.#o.dir, `reconcile-${date}.csv`)
  }

  /** Reconciles every finished day of the last week that has no report yet, oldest first. */
  runDue(): Promise<void> {
    this.#running ??= this.#runDue().finally(() => {
      this.#running = undefined
    })
    return this.#running
  }

  async #runDue(): Promise<void> {
    const { clock, timeZone, log } = this.#o
    const yesterday = previousDay(clock.now(), timeZone)
    const days: string[] = [yesterday]
    while (days.length < CATCH_UP_DAYS) days.unshift(previousDay(Date.parse(`${days[0]}T12:00:00Z`), 'UTC'))
    for (const date of days) {
      if (existsSync(this.fileOf(date))) continue
      try {
        const report = await this.#o.reconcile(date, date === yesterday)
        const unchecked = report.lines.filter((l) => 'error' in l.vipps).length
        if (unchecked > 0) {
          // No file, so the day stays due: the retry (or the next night) reconciles it again.
          log.error('reconciliation incomplete; retrying later', { date, unchecked, retryInMs: RETRY_MS })
          this.#schedule(RETRY_MS)
          continue
        }
        if (report.lines.length === 0 && report.unknownAtVipps.length === 0 && date !== yesterday) continue
        await this.#write(date, report)
      } catch (err) {
        log.error('reconciliation failed', { date, err })
        this.#schedule(RETRY_MS)
      }
    }
  }

  #schedule(delayMs: number): void {
    if (!this.#task) return
    if (this.#catchUp) this.#o.clock.clearTimeout(this.#catchUp)
    this.#catchUp = this.#o.clock.setTimeout(() => void this.runDue(), delayMs)
    this.#catchUp.unref()
  }

  async #write(date: string, report: ReconcileReport): Promise<void> {
    await ensurePrivateDir(this.#o.dir)
    const file = this.fileOf(date)
    // Written aside and renamed, so a half-written report never counts as done; 0600 whatever
    // the umask, since a report lists amounts and references.
    const text = file.replace(/\.csv$/, '.txt')
    for (const [target, body] of [
      [text, formatReconcileText(report)],
      [file, formatReconcileCsv(report)],
    ] as const) {
      await writeFile(`${target}.tmp`, body, { mode: PRIVATE_FILE_MODE })
      await chmod(`${target}.tmp`, PRIVATE_FILE_MODE)
      await rename(`${target}.tmp`, target)
    }
    const discrepancies = discrepancyCount(report)
    const facts = { date, file, payments: report.lines.length, discrepancies }
    if (discrepancies > 0) this.#o.log.warn('reconciliation found discrepancies', facts)
    else this.#o.log.info('reconciliation written', facts)
  }
}
