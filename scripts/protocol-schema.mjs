// Writes docs/protocol.schema.json from the protocol's zod schemas (run `npm run protocol:schema`,
// which builds first). test/unit/protocol/json-schema.test.ts fails when the committed file is stale.
import { writeFileSync } from 'node:fs'
import { protocolJsonSchema } from '../dist/protocol/index.js'

const target = new URL('../docs/protocol.schema.json', import.meta.url)
writeFileSync(target, `${JSON.stringify(protocolJsonSchema(), null, 2)}\n`)
console.log(`wrote ${target.pathname}`)
