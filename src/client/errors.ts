import type { Payment, ProtocolErrorCode } from '../protocol/index.js'

/** Codes the client itself raises, beside the daemon's protocol codes. */
export type ClientOnlyCode =
  /** No answer in time: the request may or may not have been applied (ask getPayment). */
  | 'TIMEOUT'
  /** The client was closed before the answer came. */
  | 'CLOSED'
  /** waitFor: the payment ended in another final status. */
  | 'ENDED'

export type TillClientErrorCode = ProtocolErrorCode | ClientOnlyCode

/** Every failure the client reports: the daemon's protocol code, or one of the client's own. */
export class TillClientError extends Error {
  override name = 'TillClientError'
  readonly code: TillClientErrorCode
  readonly retryable: boolean
  /** ENDED: the payment as it ended. */
  readonly payment: Payment | undefined

  constructor(code: TillClientErrorCode, message: string, retryable: boolean, payment?: Payment) {
    super(message)
    this.code = code
    this.retryable = retryable
    this.payment = payment
  }
}
