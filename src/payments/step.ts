import { runCreate } from './create-step.js'
import { runModification } from './modify-step.js'
import { readBack } from './read-step.js'
import { isOpen } from './records.js'
import { advance, type StepDeps } from './step-deps.js'

/**
 * Moves one payment one step further. Exactly one provider call at most, decided from what the
 * journal holds: the create first; then a read-back if an attempt died with an earlier daemon;
 * then the oldest open operation (operations run in the order they were asked for); then a poll
 * while Vipps has the next word; else the follow-ups (auto capture, manual-capture timeout).
 */
export async function step(d: StepDeps, id: number): Promise<void> {
  const p = d.ledger.repo.byId(id)
  if (!p) return
  const ops = d.ledger.repo.operations(id)
  const create = ops.find((op) => op.kind === 'create')
  if (create && isOpen(create)) return runCreate(d, p, create)
  if (ops.some((op) => op.state === 'sending')) return readBack(d, p, true)
  const next = ops.find(isOpen)
  if (next) return runModification(d, p, next)
  if (p.status === 'pending' || p.status === 'cancelling') return readBack(d, p)
  await d.writer.run((tx) => {
    const payment = d.ledger.repo.byId(id)
    if (payment) advance(d, tx, payment)
  })
}
