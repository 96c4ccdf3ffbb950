import type { OperationKind } from './references.js'
import { FAILURE_STATUSES } from './state-machine.js'
import type { CaptureMode, Currency, Flow, PaymentStatus, PaymentView } from './types.js'

/** A row of `payments`, as the repository reads it (columns aliased to camelCase). */
export interface PaymentRecord {
  id: number
  tillId: string
  tillKey: string
  requestHash: string
  msn: string
  reference: string
  status: PaymentStatus
  flow: Flow
  captureMode: CaptureMode
  amount: number
  currency: Currency
  /** JSON of the customer identifier (push only). */
  customer: string | null
  description: string | null
  /** JSON. */
  receipt: string | null
  /** JSON. */
  metadata: string | null
  /** Minor units from Vipps' aggregate. */
  authorized: number
  captured: number
  refunded: number
  cancelled: number
  qrUrl: string | null
  failureCode: string | null
  failureMessage: string | null
  sendDeadline: number
  captureDeadline: number | null
  nextActionAt: number | null
  pollFailures: number
  createdAt: number
  updatedAt: number
  /** The last till-asked operation Vipps refused (protocol `payment.refusal`). */
  refusalOperation: RefusalOperation | null
  refusalCode: string | null
  refusalMessage: string | null
  refusalAt: number | null
  /** 1: a person must look (retries exhausted, or a code tillbridge does not know). */
  needsAttention: 0 | 1
}

export type RefusalOperation = 'capture' | 'cancel' | 'refund'

export type OperationState = 'pending' | 'sending' | 'retry' | 'done' | 'failed' | 'abandoned'

/** Operations that may still be sent. */
export const OPEN_OPERATION_STATES: ReadonlySet<OperationState> = new Set(['pending', 'sending', 'retry'])

/** A row of `provider_operations`. */
export interface OperationRecord {
  id: number
  paymentId: number
  kind: OperationKind
  idempotencyKey: string
  /** The exact body sent on every attempt. */
  body: string
  amount: number | null
  refundKey: string | null
  refundHash: string | null
  state: OperationState
  attempts: number
  lastAttemptAt: number | null
  lastHttpStatus: number | null
  lastVippsCode: string | null
  lastTraceId: string | null
  lastError: string | null
  createdAt: number
  updatedAt: number
}

export function isOpen(op: OperationRecord): boolean {
  return OPEN_OPERATION_STATES.has(op.state)
}

/** The payment object of the protocol. */
export function toView(p: PaymentRecord): PaymentView {
  const view: PaymentView = {
    key: p.tillKey,
    reference: p.reference,
    status: p.status,
    flow: p.flow,
    capture: p.captureMode,
    amount: { value: p.amount, currency: p.currency },
    captured: p.captured,
    refunded: p.refunded,
    cancelled: p.cancelled,
    createdAt: new Date(p.createdAt).toISOString(),
    updatedAt: new Date(p.updatedAt).toISOString(),
  }
  if (p.flow === 'qr' && p.qrUrl) view.qr = { url: p.qrUrl }
  if (FAILURE_STATUSES.has(p.status) && p.failureCode) {
    view.failure = { code: p.failureCode, message: p.failureMessage ?? '' }
  }
  if (p.refusalOperation && p.refusalCode && p.refusalAt !== null) {
    view.refusal = {
      operation: p.refusalOperation,
      code: p.refusalCode,
      message: p.refusalMessage ?? '',
      at: new Date(p.refusalAt).toISOString(),
    }
  }
  if (p.needsAttention === 1) view.needsAttention = true
  return view
}

/** True when a till would see a difference (its `updatedAt` aside). */
export function viewChanged(before: PaymentRecord, after: PaymentRecord): boolean {
  const a = toView(before)
  const b = toView(after)
  a.updatedAt = b.updatedAt
  return JSON.stringify(a) !== JSON.stringify(b)
}
