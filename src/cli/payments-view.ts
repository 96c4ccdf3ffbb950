import { localTime } from '../ops/reconcile/day.js'
import { money } from '../ops/reconcile/format.js'
import type { OperationRecord, PaymentRecord } from '../payments/records.js'
import type { PaymentDetail } from '../payments/support.js'

/**
 * How support sees a payment: never the customer's full phone number, never a request body
 * (which carries it), never a till token.
 */
export function maskedCustomer(customer: string | null): string | undefined {
  if (!customer) return undefined
  const parsed = JSON.parse(customer) as { phoneNumber?: string; personalQr?: string; customerToken?: string }
  if (parsed.phoneNumber) return `phone …${parsed.phoneNumber.slice(-2)}`
  if (parsed.personalQr) return 'scanned personal QR'
  return 'customer token'
}

/** A payment for JSON output: times as ISO text, the customer masked, nothing internal. */
export function paymentJson(p: PaymentRecord) {
  return {
    tillId: p.tillId,
    key: p.tillKey,
    reference: p.reference,
    msn: p.msn,
    status: p.status,
    flow: p.flow,
    capture: p.captureMode,
    amount: { value: p.amount, currency: p.currency },
    authorized: p.authorized,
    captured: p.captured,
    refunded: p.refunded,
    cancelled: p.cancelled,
    customer: maskedCustomer(p.customer) ?? null,
    description: p.description,
    failure: p.failureCode ? { code: p.failureCode, message: p.failureMessage ?? '' } : null,
    refusal:
      p.refusalOperation && p.refusalAt !== null
        ? {
            operation: p.refusalOperation,
            code: p.refusalCode ?? '',
            message: p.refusalMessage ?? '',
            at: new Date(p.refusalAt).toISOString(),
          }
        : null,
    needsAttention: p.needsAttention === 1,
    createdAt: new Date(p.createdAt).toISOString(),
    updatedAt: new Date(p.updatedAt).toISOString(),
    nextActionAt: p.nextActionAt === null ? null : new Date(p.nextActionAt).toISOString(),
  }
}

function operationJson(op: OperationRecord) {
  const { body: _body, paymentId: _paymentId, refundHash: _hash, ...rest } = op
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())
  return { ...rest, lastAttemptAt: iso(op.lastAttemptAt), createdAt: iso(op.createdAt), updatedAt: iso(op.updatedAt) }
}

export function detailJson(d: PaymentDetail) {
  return {
    payment: paymentJson(d.payment),
    operations: d.operations.map(operationJson),
    timeline: d.timeline.map((t) => ({ ...t, at: new Date(t.at).toISOString() })),
  }
}

/** One line per payment, newest first. */
export function listText(payments: readonly PaymentRecord[], timeZone: string): string {
  if (payments.length === 0) return 'no payments match\n'
  const rows = payments.map((p) => [
    localTime(p.createdAt, timeZone),
    p.tillId,
    p.tillKey,
    p.reference,
    p.status,
    `${money(p.amount)} ${p.currency}`,
    money(p.captured),
    money(p.refunded),
  ])
  const head = ['accepted', 'till', 'key', 'reference', 'status', 'amount', 'captured', 'refunded']
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd()
  return `${[line(head), ...rows.map(line)].join('\n')}\n(times in ${timeZone})\n`
}

/** The payment, every operation sent to Vipps, and its timeline, for a support call. */
export function detailText(d: PaymentDetail, timeZone: string): string {
  const p = d.payment
  const t = (ms: number) => localTime(ms, timeZone)
  const out = [
    `payment ${p.tillKey} of till ${p.tillId}`,
    `  reference    ${p.reference} (MSN ${p.msn})`,
    `  status       ${p.status}${p.failureCode ? ` (${p.failureCode}: ${p.failureMessage ?? ''})` : ''}`,
    `  amount       ${money(p.amount)} ${p.currency}, flow ${p.flow}, capture ${p.captureMode}`,
    `  money        authorized ${money(p.authorized)}, captured ${money(p.captured)}, refunded ${money(p.refunded)}, cancelled ${money(p.cancelled)}`,
  ]
  const customer = maskedCustomer(p.customer)
  if (customer) out.push(`  customer     ${customer}`)
  out.push(`  accepted     ${t(p.createdAt)}, last change ${t(p.updatedAt)} (${timeZone})`)
  if (p.nextActionAt !== null) out.push(`  next action  ${t(p.nextActionAt)}`)
  if (p.refusalOperation && p.refusalAt !== null) {
    const what = `${p.refusalOperation} refused by Vipps with ${p.refusalCode ?? '?'}: ${p.refusalMessage ?? ''}`
    out.push(`  refusal      ${what} (${t(p.refusalAt)})`)
  }
  if (p.needsAttention === 1)
    out.push('  ATTENTION    a person must look at this payment (see the refusal and operations)')
  out.push('', 'operations sent to Vipps:')
  if (d.operations.length === 0) out.push('  none')
  for (const op of d.operations) {
    const facts = [
      `${op.attempts} attempt(s)`,
      op.lastHttpStatus === null ? undefined : `HTTP ${op.lastHttpStatus}`,
      op.lastVippsCode === null ? undefined : `code ${op.lastVippsCode}`,
      op.lastTraceId === null ? undefined : `traceId ${op.lastTraceId}`,
      op.amount === null ? undefined : `amount ${money(op.amount)}`,
      op.refundKey === null ? undefined : `refundKey ${op.refundKey}`,
      op.lastError === null ? undefined : `last error: ${op.lastError}`,
    ].filter((f) => f !== undefined)
    out.push(`  ${op.kind.padEnd(8)} ${op.idempotencyKey}  ${op.state}  ${facts.join(', ')}`)
  }
  out.push('', 'timeline:')
  const at = (ms: number) => `${t(ms)}.${String(ms % 1000).padStart(3, '0')}`
  for (const e of d.timeline) {
    if (e.kind === 'status') {
      out.push(
        `  ${at(e.at)}  status  ${e.fromStatus ?? '(new)'} -> ${e.toStatus ?? '?'}${e.detail ? `  ${e.detail}` : ''}`,
      )
      continue
    }
    const facts = [
      e.idempotencyKey ? `key ${e.idempotencyKey}` : undefined,
      e.httpStatus === null ? undefined : `HTTP ${e.httpStatus}`,
      e.vippsCode ? `code ${e.vippsCode}` : undefined,
      e.traceId ? `traceId ${e.traceId}` : undefined,
      e.detail ?? undefined,
    ].filter((f) => f !== undefined)
    out.push(
      `  ${at(e.at)}  call    ${e.operation ?? '?'} ${e.outcome ?? ''}${facts.length > 0 ? `  ${facts.join(', ')}` : ''}`,
    )
  }
  return `${out.join('\n')}\n`
}
