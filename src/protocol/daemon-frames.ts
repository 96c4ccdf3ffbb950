import { z } from 'zod'
import { PAYMENT_STATUSES, PROTOCOL_ERROR_CODES, PROTOCOL_VERSION, PROVIDER_STATES } from './codes.js'
import { CAPTURE_MODES, FLOWS, moneySchema, requestIdSchema } from './fields.js'

/** Frames the daemon sends (PROTOCOL-v1.md, "Frames from the daemon"). */

const isoTime = z.iso.datetime({ offset: true }).describe('ISO 8601 time')
const minor = z.int().min(0).describe('Minor units')

/** The payment object (PROTOCOL-v1.md, "The payment object"). */
export const paymentSchema = z.strictObject({
  key: z.string(),
  reference: z.string().describe('The Vipps reference'),
  status: z.enum(PAYMENT_STATUSES),
  flow: z.enum(FLOWS),
  capture: z.enum(CAPTURE_MODES),
  amount: moneySchema,
  captured: minor,
  refunded: minor,
  cancelled: minor,
  qr: z.strictObject({ url: z.string() }).optional().describe('Only for flow "qr", once Vipps has answered'),
  failure: z
    .strictObject({ code: z.string(), message: z.string() })
    .optional()
    .describe('Only when status is failed, declined or expired'),
  refusal: z
    .strictObject({
      operation: z.enum(['capture', 'cancel', 'refund']),
      code: z.string().describe("Vipps' code, or the HTTP status where Vipps gave none"),
      message: z.string(),
      at: isoTime,
    })
    .optional()
    .describe('The last operation the till asked for that Vipps refused; status still says where the money is'),
  needsAttention: z
    .literal(true)
    .optional()
    .describe('A person must look at this payment (retries exhausted, or a refusal tillbridge does not know)'),
  createdAt: isoTime,
  updatedAt: isoTime,
})

export const providerSchema = z.strictObject({
  state: z.enum(PROVIDER_STATES),
  detail: z.string().optional(),
  kind: z
    .enum(['vipps', 'simulator'])
    .optional()
    .describe('Added within version 1: "simulator" means no money moves; a till may say so'),
})

export const welcomeSchema = z.strictObject({
  type: z.literal('welcome'),
  tillId: z.string(),
  protocol: z.literal(PROTOCOL_VERSION),
  serverTime: isoTime,
  lastSeq: z.int().min(0).describe('The highest event seq for this till'),
  provider: providerSchema,
})

export const resultSchema = z.strictObject({
  type: z.literal('result'),
  id: requestIdSchema,
  replayed: z.boolean().describe('True when the request repeated an earlier one with the same key and body'),
  payment: paymentSchema,
})

export const errorSchema = z.strictObject({
  type: z.literal('error'),
  id: z.string().optional().describe("The request's id, when the frame had a readable one"),
  code: z.enum(PROTOCOL_ERROR_CODES),
  message: z.string(),
  retryable: z.boolean(),
})

export const eventSchema = z.strictObject({
  type: z.literal('event'),
  seq: z.int().min(1).describe('Per till, rises by exactly 1 from event to event'),
  payment: paymentSchema,
})

export const statusSchema = z.strictObject({
  type: z.literal('status'),
  provider: providerSchema,
})

export const DAEMON_FRAME_SCHEMAS = {
  welcome: welcomeSchema,
  result: resultSchema,
  error: errorSchema,
  event: eventSchema,
  status: statusSchema,
} as const

export const daemonFrameSchema = z.discriminatedUnion('type', [
  welcomeSchema,
  resultSchema,
  errorSchema,
  eventSchema,
  statusSchema,
])

export type Payment = z.output<typeof paymentSchema>
export type ProviderStatus = z.output<typeof providerSchema>
export type Welcome = z.output<typeof welcomeSchema>
export type ResultFrame = z.output<typeof resultSchema>
export type ErrorFrame = z.output<typeof errorSchema>
export type EventFrame = z.output<typeof eventSchema>
export type StatusFrame = z.output<typeof statusSchema>
export type DaemonFrame = z.output<typeof daemonFrameSchema>
