import { z } from 'zod'
import { DAEMON_FRAME_SCHEMAS, paymentSchema } from './daemon-frames.js'
import { TILL_FRAME_SCHEMAS } from './till-frames.js'

type JsonObject = Record<string, unknown>

export const PROTOCOL_SCHEMA_ID = 'https://github.com/tillbridge/tillbridge/docs/protocol.schema.json'

/**
 * The JSON Schema (draft 2020-12) of every frame in both directions, built from the same zod
 * schemas that validate frames at run time. `docs/protocol.schema.json` is this, written by
 * `npm run protocol:schema`; a test fails when the committed file is stale.
 */
export function protocolJsonSchema(): JsonObject {
  const defs: Record<string, JsonObject> = {}
  // Till frames are described as a till writes them (defaults may be left out).
  for (const [type, schema] of Object.entries(TILL_FRAME_SCHEMAS)) defs[type] = convert(schema, 'input')
  for (const [type, schema] of Object.entries(DAEMON_FRAME_SCHEMAS)) defs[type] = convert(schema, 'output')
  defs.payment = convert(paymentSchema, 'output')
  const refs = (types: string[]) => types.map((t) => ({ $ref: `#/$defs/${t}` }))
  defs.tillFrame = { description: 'A frame from a till', oneOf: refs(Object.keys(TILL_FRAME_SCHEMAS)) }
  defs.daemonFrame = { description: 'A frame from the daemon', oneOf: refs(Object.keys(DAEMON_FRAME_SCHEMAS)) }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: PROTOCOL_SCHEMA_ID,
    title: 'tillbridge till protocol, version 1',
    description:
      'One JSON object per WebSocket text frame. $defs holds each frame by its type; tillFrame and ' +
      'daemonFrame are the two directions. See docs/protocol.md.',
    oneOf: refs(['tillFrame', 'daemonFrame']),
    $defs: defs,
  }
}

function convert(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'throw' }) as JsonObject
  delete json.$schema
  return json
}
