import type { CreatePaymentInput, Money, RequestResult, TillEvent } from './types.js'

/**
 * What the gateway (or any other front end) may ask of the payments engine. It knows nothing
 * of WebSockets. Every method that changes something resolves only after COMMIT; errors are
 * TillbridgeErrors with the till codes of PROTOCOL-v1.md (NOT_FOUND, IDEMPOTENCY_CONFLICT,
 * INVALID_STATE, ALREADY_CAPTURED, UNAVAILABLE, INTERNAL).
 */
export interface PaymentsApi {
  create(tillId: string, input: CreatePaymentInput): Promise<RequestResult>
  get(tillId: string, key: string): RequestResult['payment']
  cancel(tillId: string, key: string): Promise<RequestResult>
  /** Without an amount, the whole remaining authorized amount. */
  capture(tillId: string, key: string, amount?: Money): Promise<RequestResult>
  refund(tillId: string, key: string, refundKey: string, amount: Money): Promise<RequestResult>

  /** Mailbox events with seq > afterSeq, oldest first, at most `limit`. */
  eventsAfter(tillId: string, afterSeq: number, limit: number): TillEvent[]
  /** The highest seq ever given to this till (0 if none). */
  lastSeq(tillId: string): number
  /** Marks every event up to and including seq as processed; they may be pruned. */
  ack(tillId: string, seq: number): void
  /** Called after COMMIT of each new event; returns an unsubscribe function. */
  onEvent(listener: (tillId: string, event: TillEvent) => void): () => void
}
