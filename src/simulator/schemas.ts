import { z } from 'zod'
import type { Customer } from '../vipps/types.js'

/**
 * Request schemas, written from the ePayment 1.4.1 and Webhooks v1 specs (and the newer
 * additions research/vipps-api.md names). Structure only; rules that carry a Vipps error code
 * are checked in create-rules.ts and modifications.ts.
 */

export const REFERENCE_PATTERN = /^[a-zA-Z0-9-]{8,50}$/
/** 4–6 digits in ePayment 1.4.1; the live spec and the SDK allow 7. */
export const MSN_PATTERN = /^[0-9]{4,7}$/
export const PHONE_PATTERN = /^\d{10,15}$/
const RFC3339 =
  /^((?:(\d{4}-\d{2}-\d{2})(T|t)(\d{2}:\d{2}:\d{2}(?:\.\d+)?))(Z|z|([+-](?:2[0-3]|[01][0-9]):[0-5][0-9])))$/

export const currencySchema = z.enum(['NOK', 'DKK', 'EUR'])

export const amountSchema = z.object({
  currency: currencySchema,
  value: z.number().int().min(0).max(65_000_000),
})

export const customerSchema = z
  .strictObject({
    phoneNumber: z.string().regex(PHONE_PATTERN).optional(),
    personalQr: z.string().min(5).max(255).optional(),
    customerToken: z.string().min(1).optional(),
  })
  .refine((c) => Object.values(c).filter((v) => v !== undefined).length === 1, {
    message: 'Give exactly one of phoneNumber, personalQr and customerToken',
  })
  .transform((c): Customer => {
    if (c.phoneNumber !== undefined) return { phoneNumber: c.phoneNumber }
    if (c.personalQr !== undefined) return { personalQr: c.personalQr }
    return { customerToken: c.customerToken ?? '' }
  })

const orderLineSchema = z
  .object({
    name: z.string(),
    id: z.string(),
    totalAmount: z.number().int(),
    totalAmountExcludingTax: z.number().int(),
    totalTaxAmount: z.number().int(),
    taxPercentage: z.number().int().min(0).max(100).optional(),
    taxRate: z.number().int().min(0).max(10_000).optional(),
    unitInfo: z
      .object({
        unitPrice: z.number().int().min(0).nullable(),
        quantity: z
          .string()
          .max(10)
          .regex(/^\d+([.]\d{1,8})?$/)
          .optional(),
        quantityUnit: z.enum(['PCS', 'KG', 'KM', 'MINUTE', 'LITRE', 'KWH']).optional(),
      })
      .optional(),
    discount: z.number().int().min(0).nullable().optional(),
    productUrl: z.string().nullable().optional(),
    isReturn: z.boolean().nullable().optional(),
    isShipping: z.boolean().nullable().optional(),
  })
  .refine((l) => l.taxPercentage !== undefined || l.taxRate !== undefined, {
    message: 'An order line needs taxRate (or the older taxPercentage)',
  })

export const receiptSchema = z.object({
  orderLines: z.array(orderLineSchema).min(1),
  bottomLine: z.object({
    currency: currencySchema,
    tipAmount: z.number().int().min(0).nullable().optional(),
    posId: z.string().nullable().optional(),
    receiptNumber: z.string().nullable().optional(),
    paymentSources: z.record(z.string(), z.number().int().nullable()).optional(),
    barcode: z
      .object({ format: z.enum(['EAN-13', 'CODE 39', 'CODE 128']).nullable(), data: z.string().nullable() })
      .optional(),
  }),
})

export const userFlowSchema = z.enum(['PUSH_MESSAGE', 'NATIVE_REDIRECT', 'WEB_REDIRECT', 'QR'])
export const qrImageFormats = ['TEXT/TARGETURL', 'IMAGE/SVG+XML', 'IMAGE/PNG'] as const

export const createPaymentSchema = z.looseObject({
  amount: amountSchema,
  customer: customerSchema.optional(),
  customerInteraction: z.enum(['CUSTOMER_PRESENT', 'CUSTOMER_NOT_PRESENT']).optional(),
  industryData: z
    .object({
      airlineData: z
        .object({
          agencyInvoiceNumber: z.string().min(1).max(6),
          airlineCode: z.string().length(3),
          airlineDesignatorCode: z.string().length(2),
          passengerName: z.string().min(1).max(49),
          ticketNumber: z.string().min(1).max(150).optional(),
        })
        .optional(),
    })
    .optional(),
  paymentMethod: z.object({ type: z.enum(['WALLET', 'CARD']) }),
  profile: z.object({ scope: z.string().optional() }).optional(),
  reference: z.string().regex(REFERENCE_PATTERN),
  returnUrl: z.string().optional(),
  userFlow: userFlowSchema,
  expiresAt: z.string().regex(RFC3339).nullable().optional(),
  qrFormat: z
    .object({
      format: z.enum(qrImageFormats),
      size: z.number().int().min(100).max(2000).nullable().optional(),
    })
    .nullable()
    .optional(),
  paymentDescription: z.string().min(3).max(100).optional(),
  receipt: receiptSchema.optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  receiptUrl: z.string().nullable().optional(),
  // Newer than 1.4.1 (technical update Nov 2024): the youngest customer who may pay, in years.
  minimumUserAge: z.number().int().min(1).max(150).nullable().optional(),
})

export type CreatePaymentBody = z.output<typeof createPaymentSchema>

export const modificationSchema = z.object({ modificationAmount: amountSchema })

export const cancelSchema = z.strictObject({ cancelTransactionOnly: z.boolean().optional() })

export const forceApproveSchema = z.object({
  customer: customerSchema.optional(),
  token: z.string().min(1).optional(),
})

export const webhookRegisterSchema = z.strictObject({
  url: z.string().url(),
  events: z.array(z.string().min(1)).min(1),
})
