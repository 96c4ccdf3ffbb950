/**
 * The till client library: `import { TillClient } from 'tillbridge/client'`. It depends only on
 * the protocol module and `ws`, never on the daemon.
 */

export type { EventFrame, Money, Payment, PaymentStatus, ProviderStatus, Welcome } from '../protocol/index.js'
export { FINAL_STATUSES, PAYMENT_STATUSES, PROTOCOL_ERROR_CODES } from '../protocol/index.js'
export { type BackoffOptions, backoffDelay } from './backoff.js'
export { type CreatePaymentInput, type PaymentResult, TillClient, type TillClientOptions } from './client.js'
export { type ClientOnlyCode, TillClientError, type TillClientErrorCode } from './errors.js'
