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
    expect(doc.components.schemas.paymentCreate).toEqual(defs['payment.create'])
    expect(doc.components.schemas.event).toEqual(defs.event)
    const reply = doc.operations.receivePaymentRefund.reply.messages.map((m: { $ref: string }) => m.$ref)
    expect(reply).toEqual(['#/channels/till/messages/result', '#/channels/till/messages/error'])
    expect(doc.channels.till['x-close-codes'].map((c: { code: number }) => c.code).sort()).toEqual(
      Object.values(CLOSE).sort(),
    )
    expect(doc.components.securitySchemes.tillToken).toMatchObject({ type: 'httpApiKey', in: 'header' })
  })
})
