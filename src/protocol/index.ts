/**
 * The till protocol, version 1: one zod source for the frames' TypeScript types, their run-time
 * validation and the published JSON Schema. Shared by the gateway and the client library; it
 * imports nothing from the daemon.
 */
export { protocolAsyncApi } from './asyncapi.js'
export * from './codes.js'
export * from './daemon-frames.js'
export { CURRENCIES } from './fields.js'
export { PROTOCOL_SCHEMA_ID, protocolJsonSchema } from './json-schema.js'
export * from './till-frames.js'
export { describeIssues, type Parsed, parseDaemonFrame, parseTillFrame } from './validate.js'
