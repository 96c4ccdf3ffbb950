import type { CreatePaymentRequest } from '../vipps/types.js'
import { classifyFailure } from './call-outcome.js'
import { refuseCreate } from './create-refusal.js'
import { isOpen, type OperationRecord, type PaymentRecord } from './records.js'
import { backOff, fresh, type StepDeps } from './step-deps.js'

/** Vipps' code for a personal QR it cannot use; the QR API's own refusals carry no code. */
export const INVALID_PERSONAL_QR = '4060'
const MSISDN = /^[0-9]{10,15}$/

/** The scanned personal QR a create still names its customer by, if any. */
export function scannedPersonalQr(body: string): string | undefined {
  const customer = (JSON.parse(body) as Partial<CreatePaymentRequest>).customer
  return customer && 'personalQr' in customer ? customer.personalQr : undefined
}

/**
 * A till's scanned personal QR is exchanged through Vipps' QR API for the customer's MSISDN
 * before the create is sent: MobilePay's personal QR is a token that only the exchange resolves
 * (and Vipps will require the exchange for its own). The answer is committed into the create's
 * stored body, which has never been sent, so a crash before that commit just asks again (a read
 * that moves no money), and after it the create goes with the stored number, never exchanging
 * twice. A code Vipps refuses (unknown, expired) fails the payment; the till asks for a new scan.
 */
export async function exchangePersonalQr(
  d: StepDeps,
  p: PaymentRecord,
  op: OperationRecord,
  qrCode: string,
): Promise<void> {
  const deadlineMs = Math.max(1, Math.min(d.options.callDeadlineMs, p.sendDeadline - d.clock.now()))
  let msisdn: string
  try {
    msisdn = (await d.providerFor(p.msn).exchangePersonalQr(qrCode, { signal: d.signal, deadlineMs })).msisdn
  } catch (err) {
    if (d.signal.aborted) return
    const f = classifyFailure('exchangeQr', undefined, err)
    await d.writer.run((tx) => {
      d.ledger.recordCall(tx, p.id, f.entry)
      const still = waiting(d, p.id, op.id)
      if (!still) return
      if (f.retryable) backOff(d, tx, still.payment, f)
      else refuseCreate(d, tx, p.id, still.op, {}, { code: f.vippsCode ?? INVALID_PERSONAL_QR, message: f.message })
    })
    return
  }
  await d.writer.run((tx) => {
    d.ledger.recordCall(tx, p.id, { operation: 'exchangeQr', httpStatus: 200, outcome: 'ok' })
    const still = waiting(d, p.id, op.id)
    if (!still) return
    if (typeof msisdn !== 'string' || !MSISDN.test(msisdn)) {
      const message = 'the QR exchange answered without a valid phone number'
      refuseCreate(d, tx, p.id, still.op, {}, { code: INVALID_PERSONAL_QR, message })
      return
    }
    const body = { ...(JSON.parse(still.op.body) as CreatePaymentRequest), customer: { phoneNumber: msisdn } }
    // The create goes next, with the number: at once, as the exchange took the place of its turn.
    if (d.ledger.repo.completeBody(still.op.id, JSON.stringify(body), tx.now)) d.ledger.repo.setNextAction(p.id, tx.now)
  })
}

/** The payment and its create, read again: a till's cancel may have ended them meanwhile. */
function waiting(d: StepDeps, id: number, opId: number): { payment: PaymentRecord; op: OperationRecord } | undefined {
  const payment = fresh(d, id)
  const op = d.ledger.repo.operations(id).find((o) => o.id === opId)
  return payment?.status === 'queued' && op && isOpen(op) ? { payment, op } : undefined
}
