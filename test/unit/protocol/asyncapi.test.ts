import { readFileSync } from 'node:fs'
import { Parser } from '@asyncapi/parser'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { asyncApiYaml } from '../../../scripts/protocol-asyncapi-yaml.mjs'
import {
  CLOSE,
  DAEMON_FRAME_SCHEMAS,
  protocolAsyncApi,
  protocolJsonSchema,
  TILL_FRAME_TYPES,
} from '../../../src/protocol/index.js'

/** A schema without the `title` annotations (no frame has a field named title). */
function untitled(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(untitled)
  if (schema === null || typeof schema !== 'object') return schema
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([k]) => k !== 'title')
      .map(([k, v]) => [k, untitled(v)]),
  )
}

const FILE = new URL('../../../docs/protocol.asyncapi.yaml', import.meta.url)
const committed = readFileSync(FILE, 'utf8')

describe('docs/protocol.asyncapi.yaml', () => {
  it('is what `npm run protocol:schema` writes from the zod schemas (run it when this fails)', () => {
    expect(committed).toEqual(asyncApiYaml(protocolAsyncApi()))
  })

  it('parses with the official AsyncAPI parser without errors', async () => {
    const { document, diagnostics } = await new Parser().parse(committed)
    // Severity 0 is an error; warnings and hints (style rules) do not make a document invalid.
    expect(diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([])
    expect(document?.version()).toBe('3.0.0')
    const names = document
      ?.messages()
      .all()
      .map((m) => m.name())
    expect(names?.sort()).toEqual([...TILL_FRAME_TYPES, ...Object.keys(DAEMON_FRAME_SCHEMAS)].sort())
    expect(document?.channels().get('till')?.address()).toBe('/v1')
  })

  it('has every frame with the payload of docs/protocol.schema.json, requests with their replies, and the close codes', () => {
    const doc = parse(committed)
    const defs = protocolJsonSchema().$defs as Record<string, unknown>
    // The same schemas; the AsyncAPI copy only adds titles, which name the generated types.
    expect(untitled(doc.components.schemas.paymentCreate)).toEqual(defs['payment.create'])
    expect(untitled(doc.components.schemas.event)).toEqual(defs.event)
    expect(doc.components.schemas.paymentCreate.properties.amount.title).toBe('PaymentCreateAmount')
    expect(doc.components.schemas.welcome.title).toBe('Welcome')
    // Every daemon frame is sent by an operation of its own (generators need it), requests get replies.
    for (const type of Object.keys(DAEMON_FRAME_SCHEMAS)) {
      expect(doc.operations[`send${type[0]?.toUpperCase()}${type.slice(1)}`].action).toBe('send')
    }
    const reply = doc.operations.receivePaymentRefund.reply.messages.map((m: { $ref: string }) => m.$ref)
    expect(reply).toEqual(['#/channels/till/messages/result', '#/channels/till/messages/error'])
    expect(doc.channels.till['x-close-codes'].map((c: { code: number }) => c.code).sort()).toEqual(
      Object.values(CLOSE).sort(),
    )
    expect(doc.components.securitySchemes.tillToken).toMatchObject({ type: 'httpApiKey', in: 'header' })
  })
})
