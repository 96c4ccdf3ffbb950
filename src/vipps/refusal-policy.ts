/**
 * THE policy table: what tillbridge does when Vipps answers an operation with an HTTP status and
 * (usually) a Vipps code. One row per case; `policyFor` picks the most specific row (operation +
 * code, any operation + code, operation + status, any operation + status) and, for a code no row
 * knows, the safe default: read the payment back before deciding, and ask a person to look.
 * docs/vipps-errors.md shows this table to users; test/unit/vipps/refusal-policy-doc.test.ts
 * fails when the two disagree.
 */

export type PolicyOperation = 'create' | 'read' | 'capture' | 'cancel' | 'refund'

export type PolicyAction =
  /** Send the same request again (same key, same bytes) after `afterMs`, at most `maxAttempts` in all. */
  | { kind: 'retry'; afterMs: number; maxAttempts: number }
  /** The operation is refused for good: stop it and tell the till; the payment goes on. */
  | { kind: 'giveUp' }
  /** A create refused for good: the payment ends `failed` with Vipps' code. */
  | { kind: 'endPayment' }
  /** Vipps does not have this payment. */
  | { kind: 'notFound' }
  /** A transaction-only cancel met an approval: release the whole reservation instead. */
  | { kind: 'releaseReservation' }
  /** Do not assume: stop the operation and read the payment back before anything else. */
  | { kind: 'readBack' }

export interface PolicyRow {
  operation: PolicyOperation | '*'
  /** A Vipps code, or absent for a row that matches on HTTP status alone. */
  code?: string
  /** HTTP status (a row with a code matches whatever the status). 500 stands for every 5xx. */
  status?: number
  action: PolicyAction
  /** A person must look at the payment when this row applied. */
  attention: boolean
  /** What the code means, in a few words (docs/vipps-errors.md). */
  meaning: string
}

const SECOND = 1000
const retry = (afterMs: number, maxAttempts: number): PolicyAction => ({ kind: 'retry', afterMs, maxAttempts })
const GIVE_UP: PolicyAction = { kind: 'giveUp' }
const END: PolicyAction = { kind: 'endPayment' }
const READ_BACK: PolicyAction = { kind: 'readBack' }
const NOT_FOUND: PolicyAction = { kind: 'notFound' }

const row = (
  operation: PolicyRow['operation'],
  key: { code: string } | { status: number },
  action: PolicyAction,
  meaning: string,
  attention = false,
): PolicyRow => ({ operation, ...key, action, attention, meaning })

export const POLICY: readonly PolicyRow[] = [
  // Busy: "try the same request again later".
  row('*', { code: '6160' }, retry(SECOND, 20), 'Order processing (a concurrent operation)'),
  row('cancel', { code: '6250' }, retry(SECOND, 30), 'Cannot cancel processing payment (the approval is completing)'),
  row('*', { code: '6280' }, retry(2 * SECOND, 10), 'Capture failed, try again later'),
  // Cancel.
  row(
    'cancel',
    { code: '6060' },
    { kind: 'releaseReservation' },
    'Cannot cancel authorized payment (transaction only)',
  ),
  row('cancel', { code: '6040' }, GIVE_UP, 'Cannot cancel a captured payment'),
  row('cancel', { code: '6050' }, READ_BACK, 'Cannot cancel a non-reserved payment (already final)'),
  row('cancel', { code: '6190' }, READ_BACK, 'Payment cannot be cancelled (already cancelled)'),
  // Capture.
  row('capture', { code: '6070' }, GIVE_UP, 'Cannot capture a cancelled payment'),
  row('capture', { code: '6080' }, READ_BACK, 'Cannot capture before reservation', true),
  row('capture', { code: '6090' }, GIVE_UP, 'Capture amount too high'),
  row('capture', { code: '6100' }, GIVE_UP, 'Reservation expired'),
  row('capture', { code: '6140' }, GIVE_UP, 'Must capture full amount (the sales unit allows no partial capture)'),
  row('capture', { code: '6200' }, GIVE_UP, 'Payment cannot be captured'),
  row('capture', { code: '6260' }, GIVE_UP, 'Funds unavailable (the reservation was released)'),
  // Refund.
  row('refund', { code: '6020' }, GIVE_UP, 'Attempted refund before reservation'),
  row('refund', { code: '6150' }, GIVE_UP, 'Not enough refundable'),
  row('refund', { code: '6210' }, GIVE_UP, 'Payment cannot be refunded'),
  row('refund', { code: '6220' }, GIVE_UP, 'Refund period expired (365 days)'),
  // Any money operation: the merchant or sales unit may not do this.
  row('*', { code: '3010' }, GIVE_UP, 'Merchant not available', true),
  row('*', { code: '5100' }, GIVE_UP, 'Merchant not allowed this operation', true),
  // Create: Vipps will not take the payment.
  row('create', { code: '4040' }, END, 'Invalid amount'),
  row('create', { code: '4050' }, END, 'Invalid CustomerToken'),
  row('create', { code: '4060' }, END, 'Invalid PersonalQr'),
  row('create', { code: '4070' }, END, 'Invalid phone number'),
  row('create', { code: '4140' }, END, 'Missing required parameter'),
  row('create', { code: '5040' }, END, 'Invalid currency for merchant'),
  row('create', { code: '5050' }, END, 'Long-living payments not allowed'),
  row('create', { code: '5080' }, END, 'PUSH_MESSAGE not allowed (the sales unit is not approved)'),
  row('create', { code: '6010' }, END, 'Amount too small'),
  row('create', { code: '7010' }, END, 'Customer not found (or below minimumUserAge)'),
  row('create', { code: '3010' }, END, 'Merchant not available'),
  // Vipps does not know the reference.
  row('*', { code: '5090' }, NOT_FOUND, 'Reference not found'),
  row('*', { status: 404 }, NOT_FOUND, 'Not found'),
  // Statuses without a code we know.
  row('*', { status: 429 }, retry(SECOND, 30), 'Too many requests (honours Retry-After)'),
  row('*', { status: 423 }, retry(SECOND, 30), 'Locked: a concurrent operation on the payment'),
  row('create', { status: 400 }, END, 'Bad request (any other create refusal)'),
  row('*', { status: 401 }, GIVE_UP, 'Unauthorized: the keys or token were refused', true),
  row('*', { status: 403 }, GIVE_UP, 'Forbidden: the product is not enabled for these keys', true),
  row('*', { status: 409 }, GIVE_UP, 'Idempotency conflict (a bug: the same key with another body)', true),
]

/** The safe default for anything the table does not name. */
export const UNKNOWN_POLICY: PolicyRow = {
  operation: '*',
  action: READ_BACK,
  attention: true,
  meaning: 'A code tillbridge does not know',
}

export function policyFor(operation: PolicyOperation, status: number | undefined, code: string | undefined): PolicyRow {
  const byCode =
    code === undefined ? undefined : (op: string) => POLICY.find((r) => r.operation === op && r.code === code)
  const byStatus = (op: string) => POLICY.find((r) => r.operation === op && r.code === undefined && r.status === status)
  return (
    byCode?.(operation) ??
    byCode?.('*') ??
    // A create refusal with a code the table does not name still never created anything: the
    // status rows decide. Elsewhere an unknown code means: read back, never assume.
    (code === undefined || operation === 'create' ? (byStatus(operation) ?? byStatus('*')) : undefined) ??
    UNKNOWN_POLICY
  )
}

/** The ePayment operation names the client uses, as the table's operations. */
export function policyOperation(operation: string | undefined): PolicyOperation {
  switch (operation) {
    case 'createPayment':
      return 'create'
    case 'capturePayment':
      return 'capture'
    case 'cancelPayment':
      return 'cancel'
    case 'refundPayment':
      return 'refund'
    default:
      return 'read'
  }
}
