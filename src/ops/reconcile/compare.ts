import type { JournalPayment, ReconcileLine, ReconcileReport, VippsLookup } from './types.js'

const OPEN_OPERATION_STATES = new Set(['pending', 'sending', 'retry'])
const AMOUNTS = ['authorized', 'captured', 'refunded', 'cancelled'] as const

/**
 * Every way the journal and Vipps disagree about one payment: the money (always read from Vipps'
 * aggregate), the status, whether Vipps has it at all, and money moved at Vipps under an
 * Idempotency-Key tillbridge never sent (a capture or refund made from the portal or another
 * system).
 */
export function comparePayment(payment: JournalPayment, vipps: VippsLookup): ReconcileLine {
  const inProgress = payment.operations.some((op) => OPEN_OPERATION_STATES.has(op.state))
  const differences: string[] = []
  const createConfirmed = payment.operations.some((op) => op.kind === 'create' && op.state === 'done')
  if ('error' in vipps) {
    differences.push(`not checked: ${vipps.error}`)
  } else if (!vipps.found) {
    const moved = payment.captured + payment.refunded > 0
    if (createConfirmed || moved)
      differences.push('Vipps does not know this reference, but the journal says it was created')
  } else {
    const at = vipps.payment
    if (!createConfirmed && !inProgress && payment.status === 'failed') {
      differences.push('Vipps has this payment, but the journal says Vipps refused it')
    }
    if (at.status !== payment.status)
      differences.push(`status: journal ${payment.status}, Vipps ${at.status} (${at.state})`)
    for (const field of AMOUNTS) {
      if (at[field] !== payment[field]) differences.push(`${field}: journal ${payment[field]}, Vipps ${at[field]}`)
    }
    const ours = new Set(payment.operations.map((op) => op.idempotencyKey))
    for (const event of at.moneyEvents) {
      if (event.idempotencyKey !== null && !ours.has(event.idempotencyKey)) {
        differences.push(
          `${event.name} of ${event.amount} at Vipps under Idempotency-Key ${event.idempotencyKey}, which tillbridge never sent`,
        )
      }
    }
  }
  return { payment, vipps, differences, inProgress }
}

/** Captured and refunded per currency, as the journal and as Vipps have them. */
export function totalsByCurrency(lines: readonly ReconcileLine[]): ReconcileReport['totals'] {
  const totals: ReconcileReport['totals'] = {}
  for (const { payment, vipps } of lines) {
    const t = totals[payment.currency] ?? {
      payments: 0,
      journalCaptured: 0,
      journalRefunded: 0,
      vippsCaptured: 0,
      vippsRefunded: 0,
    }
    totals[payment.currency] = t
    t.payments += 1
    t.journalCaptured += payment.captured
    t.journalRefunded += payment.refunded
    if ('found' in vipps && vipps.found) {
      t.vippsCaptured += vipps.payment.captured
      t.vippsRefunded += vipps.payment.refunded
    }
  }
  return totals
}

export function discrepancyCount(report: Pick<ReconcileReport, 'lines' | 'unknownAtVipps'>): number {
  return report.lines.filter((l) => l.differences.length > 0).length + report.unknownAtVipps.length
}
