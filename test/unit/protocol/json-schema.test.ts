import { readFileSync } from 'node:fs'
import Ajv2020 from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseTillFrame, protocolJsonSchema, TILL_FRAME_TYPES } from '../../../src/protocol/index.js'
import { mutatedTillFrame } from '../../helpers/frame-arbitraries.js'

const SCHEMA_FILE = new URL('../../../docs/protocol.schema.json', import.meta.url)

describe('docs/protocol.schema.json', () => {
  it('is what `npm run protocol:schema` writes from the zod schemas (run it when this fails)', () => {
    const committed = readFileSync(SCHEMA_FILE, 'utf8')
    expect(committed).toEqual(`${JSON.stringify(protocolJsonSchema(), null, 2)}\n`)
  })

  it('describes every till frame type', () => {
    const defs = protocolJsonSchema().$defs as Record<string, unknown>
    for (const type of TILL_FRAME_TYPES) expect(defs).toHaveProperty([type])
  })

  it('accepts and refuses exactly what the run-time validation does (ajv as the oracle)', () => {
    const ajv = new Ajv2020.default({ strict: false, allErrors: false })
    addFormats.default(ajv)
    ajv.addSchema(protocolJsonSchema())
    const validate = ajv.getSchema(
      'https://github.com/tillbridge/tillbridge/docs/protocol.schema.json#/$defs/tillFrame',
    )
    if (!validate) throw new Error('tillFrame schema missing')
    let accepted = 0
    fc.assert(
      fc.property(mutatedTillFrame(), (frame) => {
        const runtime = parseTillFrame(JSON.stringify(frame)).ok
        if (runtime) accepted++
        expect(validate(frame), JSON.stringify(frame)).toBe(runtime)
      }),
      { numRuns: 3000 },
    )
    // The generator must exercise both sides, or this test proves nothing.
    expect(accepted).toBeGreaterThan(300)
  })
})
