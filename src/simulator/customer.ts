import type { Customer } from '../vipps/types.js'

/**
 * What the simulated customer does, chosen by the last character of the phone number (or of the
 * personal QR / customer token), so tests are deterministic. SIMULATOR.md has the table.
 */
export type CustomerBehaviour =
  /** 1: approves after approveDelayMs. */
  | 'approve'
  /** 2: rejects → ABORTED. */
  | 'reject'
  /** 3: does nothing → EXPIRED after expiryMs. */
  | 'ignore'
  /** 4: no such customer → create answers 400 / 7010. */
  | 'unknown'
  /** 5: approves, but only after 25 s. */
  | 'approveSlowly'
  /** Anything else: waits for the control API or the test approve endpoint. */
  | 'wait'

const BY_LAST_CHARACTER: Record<string, CustomerBehaviour> = {
  '1': 'approve',
  '2': 'reject',
  '3': 'ignore',
  '4': 'unknown',
  '5': 'approveSlowly',
}

export function customerBehaviour(customer: Customer | undefined): CustomerBehaviour {
  const id = customerId(customer)
  return (id && BY_LAST_CHARACTER[id.slice(-1)]) || 'wait'
}

/** Customers with no age in their identifier are grown-ups. */
const DEFAULT_AGE = 40

/**
 * The customer's age in years: the two characters before the last one, when they are digits
 * (4790000171 is 17; 4791234561 is 56), so an age-limit test needs nothing but a phone number.
 */
export function customerAge(customer: Customer | undefined): number {
  const id = customerId(customer) ?? ''
  const digits = /(\d\d).$/.exec(id)?.[1]
  return digits === undefined ? DEFAULT_AGE : Number(digits)
}

export function customerId(customer: Customer | undefined): string | undefined {
  if (!customer) return undefined
  if ('phoneNumber' in customer) return customer.phoneNumber
  if ('personalQr' in customer) return customer.personalQr
  return customer.customerToken
}
