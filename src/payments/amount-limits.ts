import type { Currency } from './types.js'

/**
 * The amounts Vipps takes for a payment, per currency, in minor units: the minimums from Vipps'
 * newer docs and SDK types (NOK 100 øre, DKK 1 øre, EUR 1 cent), the maximum from the ePayment
 * spec's range (65 000 000); research/vipps-api.md §4.1. A till's sale outside them is refused at
 * once with INVALID_MESSAGE, before anything is stored, instead of failing later at Vipps (6010).
 */
export const AMOUNT_LIMITS: Readonly<Record<Currency, { min: number; max: number }>> = {
  NOK: { min: 100, max: 65_000_000 },
  DKK: { min: 1, max: 65_000_000 },
  EUR: { min: 1, max: 65_000_000 },
}

/** "amount.value: …" when a payment's amount is outside its currency's limits. */
export function amountLimitProblem(amount: { value: number; currency: Currency }): string | undefined {
  const { min, max } = AMOUNT_LIMITS[amount.currency]
  if (amount.value < min) return `amount.value: must be at least ${min} for ${amount.currency} (Vipps' minimum)`
  if (amount.value > max) return `amount.value: must be at most ${max} for ${amount.currency} (Vipps' maximum)`
  return undefined
}
