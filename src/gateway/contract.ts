import type { PaymentStatus as EngineStatus, PaymentView } from '../payments/types.js'
import type {
  Money,
  Payment,
  ProtocolErrorCode,
  PaymentStatus as ProtocolStatus,
  ProviderStatus,
} from '../protocol/index.js'
import type { TillErrorCode } from '../shared/errors.js'
import type { ProviderState } from '../vipps/api.js'

/**
 * Compile-time proof that the protocol's wire shapes (src/protocol, which till clients import)
 * and the daemon's own types describe the same things. If one side changes alone, the build fails
 * here instead of a till failing in a shop.
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
type Assert<T extends true> = T

export type PaymentObjectMatches = Assert<Same<Payment, PaymentView>>
export type MoneyMatches = Assert<Same<Money, PaymentView['amount']>>
export type StatusesMatch = Assert<Same<ProtocolStatus, EngineStatus>>
export type ErrorCodesMatch = Assert<Same<ProtocolErrorCode, TillErrorCode>>
export type ProviderStatesMatch = Assert<Same<ProviderStatus['state'], ProviderState>>
