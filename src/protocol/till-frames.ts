import { z } from 'zod'
import { MAX_RECEIPT_CHARS, MAX_RECEIPT_DEPTH, nestedDeeperThan } from './depth.js'
import {
  CAPTURE_MODES,
  chars,
  customerSchema,
  FLOWS,
  keySchema,
  metadataSchema,
  minimumUserAgeSchema,
  moneySchema,
  requestIdSchema,
  rule,
  seqSchema,
} from './fields.js'

/** Frames a till sends (PROTOCOL-v1.md, "Frames from the till"). Every object is strict. */

const typeOf = <T extends string>(type: T) => z.literal(type, rule(`must be "${type}"`))

export const helloSchema = z.strictObject({
  type: typeOf('hello'),
  token: chars(1, 512).optional().describe('The till token, when the upgrade carried no Authorization header'),
  resumeFrom: seqSchema.optional().describe('The last event seq the till has processed; later events are sent again'),
})

const pushRequiresCustomer = {
  if: { properties: { flow: { const: 'push' } } },
  // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else keywords
  then: { required: ['customer'] },
  else: { not: { required: ['customer'] } },
}

export const createSchema = z
  .strictObject({
    type: typeOf('payment.create'),
    id: requestIdSchema,
    key: keySchema,
    amount: moneySchema,
    flow: z.enum(FLOWS, rule('must be "push" or "qr"')),
    customer: customerSchema.optional().describe('Required for flow "push", absent for "qr"'),
    description: chars(3, 100).optional(),
    capture: z.enum(CAPTURE_MODES, rule('must be "auto" or "manual"')).default('auto'),
    receipt: z
      .record(z.string(), z.unknown(), rule('must be an object (a Vipps Order Management receipt)'))
      .refine((r) => !nestedDeeperThan(r, MAX_RECEIPT_DEPTH), `may nest at most ${MAX_RECEIPT_DEPTH} levels deep`)
      .refine(
        (r) => JSON.stringify(r).length <= MAX_RECEIPT_CHARS,
        `must be at most ${MAX_RECEIPT_CHARS} characters as JSON`,
      )
      .optional()
      .describe('A Vipps Order Management receipt'),
    metadata: metadataSchema.optional(),
    minimumUserAge: minimumUserAgeSchema.optional(),
  })
  .superRefine((frame, ctx) => {
    if (frame.flow === 'push' && frame.customer === undefined) {
      ctx.addIssue({ code: 'custom', path: ['customer'], message: 'is required for flow "push"' })
    }
    if (frame.flow === 'qr' && frame.customer !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['customer'], message: 'must be left out for flow "qr"' })
    }
  })
  .meta({ allOf: [pushRequiresCustomer] })

const byKey = <T extends string>(type: T) => z.strictObject({ type: typeOf(type), id: requestIdSchema, key: keySchema })

export const getSchema = byKey('payment.get')
export const cancelSchema = byKey('payment.cancel')

export const captureSchema = z.strictObject({
  type: typeOf('payment.capture'),
  id: requestIdSchema,
  key: keySchema,
  amount: moneySchema.optional().describe('At most the authorized amount; default: all of it'),
})

export const refundSchema = z.strictObject({
  type: typeOf('payment.refund'),
  id: requestIdSchema,
  key: keySchema,
  refundKey: keySchema.describe('Makes each refund idempotent; same rules as key'),
  amount: moneySchema.describe('At most what was captured and not yet refunded'),
})

export const ackSchema = z.strictObject({
  type: typeOf('ack'),
  seq: seqSchema.describe('Every event up to and including seq is processed'),
})

/** Schema of each till frame, by its `type`. */
export const TILL_FRAME_SCHEMAS = {
  hello: helloSchema,
  'payment.create': createSchema,
  'payment.get': getSchema,
  'payment.cancel': cancelSchema,
  'payment.capture': captureSchema,
  'payment.refund': refundSchema,
  ack: ackSchema,
} as const

export type TillFrameType = keyof typeof TILL_FRAME_SCHEMAS
export const TILL_FRAME_TYPES = Object.keys(TILL_FRAME_SCHEMAS) as TillFrameType[]

export type Hello = z.output<typeof helloSchema>
export type CreateRequest = z.output<typeof createSchema>
/** What a till writes: `capture` may be left out. */
export type CreateRequestInput = z.input<typeof createSchema>
export type GetRequest = z.output<typeof getSchema>
export type CancelRequest = z.output<typeof cancelSchema>
export type CaptureRequest = z.output<typeof captureSchema>
export type RefundRequest = z.output<typeof refundSchema>
export type Ack = z.output<typeof ackSchema>
export type Money = z.output<typeof moneySchema>
export type Customer = z.output<typeof customerSchema>

export type TillFrame = { [T in TillFrameType]: z.output<(typeof TILL_FRAME_SCHEMAS)[T]> }[TillFrameType]
export type TillFrameInput = { [T in TillFrameType]: z.input<(typeof TILL_FRAME_SCHEMAS)[T]> }[TillFrameType]
/** Frames that carry an `id` and get a `result` or `error` reply. */
export type TillRequest = Exclude<TillFrame, Hello | Ack>
