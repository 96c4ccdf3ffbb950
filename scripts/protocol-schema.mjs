// Writes docs/protocol.schema.json and docs/protocol.asyncapi.yaml from the protocol's zod schemas
// (run `npm run protocol:schema`, which builds first). test/unit/protocol/json-schema.test.ts and
// asyncapi.test.ts fail when a committed file is stale.
import { writeFileSync } from 'node:fs'
import { protocolAsyncApi, protocolJsonSchema } from '../dist/protocol/index.js'
import { asyncApiYaml } from './protocol-asyncapi-yaml.mjs'

const schema = new URL('../docs/protocol.schema.json', import.meta.url)
writeFileSync(schema, `${JSON.stringify(protocolJsonSchema(), null, 2)}\n`)
console.log(`wrote ${schema.pathname}`)
const asyncapi = new URL('../docs/protocol.asyncapi.yaml', import.meta.url)
writeFileSync(asyncapi, asyncApiYaml(protocolAsyncApi()))
console.log(`wrote ${asyncapi.pathname}`)
