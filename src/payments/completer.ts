import type { Logger } from '../log/logger.js'
import type { PaymentLedger } from './ledger.js'
import type { WriteBatcher } from './write-batcher.js'

/**
 * Finds payments an earlier run left in flight and makes them due now: those with an attempt
 * whose outcome nobody learnt (the worker reads them back by reference first, then continues
 * with the stored key and body), and any that still need work but have nothing scheduled.
 * `busy` are payments this run is working on right now; they are not in doubt.
 */
export class Completer {
  readonly #ledger: PaymentLedger
  readonly #writer: WriteBatcher
  readonly #log: Logger

  constructor(ledger: PaymentLedger, writer: WriteBatcher, log: Logger) {
    this.#ledger = ledger
    this.#writer = writer
    this.#log = log
  }

  async run(busy: readonly number[]): Promise<void> {
    const skip = new Set(busy)
    const { repo } = this.#ledger
    const inDoubt = repo.withStaleAttempts().filter((id) => !skip.has(id))
    const unscheduled = repo.unscheduled().filter((id) => !skip.has(id))
    const due = [...new Set([...inDoubt, ...unscheduled])]
    if (due.length === 0) return
    await this.#writer.run((tx) => {
      for (const id of due) repo.setNextAction(id, tx.now, repo.byId(id)?.pollFailures ?? 0)
    })
    this.#log.info('resuming payments left in flight', { inDoubt: inDoubt.length, unscheduled: unscheduled.length })
  }
}
