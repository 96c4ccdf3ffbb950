import { z } from 'zod'

/**
 * Field rules of PROTOCOL-v1.md, each with the message a till developer reads when a frame
 * breaks it ("amount.value: must be an integer > 0"). Lengths count characters (code points),
 * as JSON Schema does, so the published schema and this validation agree on every string.
 */

/** An error setting that says "is required" for a missing field and `text` for a wrong one. */
export function rule(text: string) {
  return { error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : text) }
}

export function codePoints(text: string): number {
  let n = 0
  for (const _ of text) n++
  return n
}

/** A string of `min`–`max` characters. */
export function chars(min: number, max: number) {
  const text = `must be a string of ${min}–${max} characters`
  return z
    .string(rule(text))
    .refine((s) => {
      const n = codePoints(s)
      return n >= min && n <= max
    }, rule(text))
    .meta({ minLength: min, maxLength: max })
}

export const CURRENCIES = ['NOK', 'DKK', 'EUR'] as const
export const FLOWS = ['push', 'qr'] as const
export const CAPTURE_MODES = ['auto', 'manual'] as const

/** Every request carries a till-chosen id, echoed in its reply. */
export const requestIdSchema = chars(1, 64).describe('Till-chosen request id, echoed in the reply')

const KEY_TEXT = 'must be 1–100 characters of A-Z a-z 0-9 . _ : -'
/** The till's idempotency key for a sale (or a refund): unique per till. */
export const keySchema = z
  .string(rule(KEY_TEXT))
  .regex(/^[A-Za-z0-9._:-]{1,100}$/, rule(KEY_TEXT))
  .describe("The till's idempotency key, unique per till")

const POSITIVE = 'must be an integer > 0'
export const moneySchema = z
  .strictObject(
    {
      value: z.int(rule(POSITIVE)).positive(rule(POSITIVE)).describe('Minor units (øre, cent)'),
      currency: z.enum(CURRENCIES, rule('must be one of NOK, DKK, EUR')),
    },
    rule('must be an object {value, currency}'),
  )
  .describe('An amount in minor units')

const PHONE_TEXT = 'must be 10–15 digits (MSISDN with country code)'
const ONE_CUSTOMER = 'must have exactly one of phoneNumber, personalQr, customerToken'
/** Exactly one way to reach the customer's app. */
export const customerSchema = z
  .strictObject(
    {
      phoneNumber: z
        .string(rule(PHONE_TEXT))
        .regex(/^[0-9]{10,15}$/, rule(PHONE_TEXT))
        .optional(),
      personalQr: chars(5, 255).optional().describe("The scanned content of the customer's personal QR"),
      customerToken: chars(1, 255).optional(),
    },
    rule(`must be an object that ${ONE_CUSTOMER.replace('must ', '')}`),
  )
  .refine((c) => Object.keys(c).length === 1, ONE_CUSTOMER)
  .meta({ minProperties: 1, maxProperties: 1 })

const METADATA_TEXT = 'must be an object of at most 5 string pairs (keys 1–100, values 0–500 characters)'
export const metadataSchema = z
  .record(chars(1, 100), chars(0, 500), rule(METADATA_TEXT))
  .refine((m) => Object.keys(m).length <= 5, METADATA_TEXT)
  .meta({ maxProperties: 5 })

const AGE_TEXT = 'must be an integer of 1–120 (years)'
/** The youngest customer who may pay (Vipps' `minimumUserAge`); a younger one is refused like an unknown one. */
export const minimumUserAgeSchema = z
  .int(rule(AGE_TEXT))
  .min(1, rule(AGE_TEXT))
  .max(120, rule(AGE_TEXT))
  .describe('The youngest customer who may pay, in years; a younger one fails with code 7010')

export const seqSchema = z.int(rule('must be an integer ≥ 0')).min(0, rule('must be an integer ≥ 0'))
