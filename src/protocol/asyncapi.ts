import { CLOSE, MAX_FRAME_BYTES, PROTOCOL_ERROR_CODES, PROTOCOL_VERSION } from './codes.js'
import { DAEMON_FRAME_SCHEMAS } from './daemon-frames.js'
import { protocolJsonSchema } from './json-schema.js'
import { TILL_FRAME_SCHEMAS } from './till-frames.js'

type JsonObject = Record<string, unknown>

/** What each close code tells a till; keyed by CLOSE, so a new code cannot go undescribed. */
const CLOSE_MEANINGS: Record<keyof typeof CLOSE, string> = {
  GOING_AWAY: 'the daemon is stopping; reconnect with backoff and resumeFrom',
  UNSUPPORTED_DATA: 'a binary frame; send text frames',
  INVALID_UTF8: 'a text frame that is not UTF-8',
  POLICY: 'flooding requests (after RATE_LIMITED), or not reading what the daemon sends',
  TOO_BIG: `a frame over ${MAX_FRAME_BYTES / 1024} KiB`,
  TRY_AGAIN_LATER: 'too many sockets were waiting for hello and this was the oldest; reconnect and send hello at once',
  INTERNAL_ERROR: 'the daemon failed while welcoming the till (an INTERNAL error frame comes first)',
  UNAUTHENTICATED: 'no hello in time, a wrong or missing token, or another frame before hello; do not retry in a loop',
}

/** The request frames, each answered by a result or an error frame with the same id. */
const REQUESTS = ['payment.create', 'payment.get', 'payment.cancel', 'payment.capture', 'payment.refund'] as const

const SUMMARIES: Record<string, string> = {
  hello: 'First frame of a connection: authenticates the till and optionally resumes events',
  'payment.create': 'Take a payment (idempotent by key)',
  'payment.get': 'Read a payment',
  'payment.cancel': 'Cancel a payment, releasing any reservation',
  'payment.capture': 'Capture a manual-capture payment, in full or in part',
  'payment.refund': 'Refund a captured payment, in full or in part (idempotent by refundKey)',
  ack: 'Acknowledge events up to a seq; they are not sent again',
  welcome: 'Answer to hello: the till id, its last event seq and the provider state',
  result: 'Answer to a request: the payment as it stands',
  error: `Answer to a request that failed, or to a bad frame; code is one of ${PROTOCOL_ERROR_CODES.join(', ')}`,
  event: 'A change of one of the till’s payments, in seq order, until acknowledged',
  status: 'The provider (Vipps MobilePay) turned ok, degraded or down',
}

const ref = (path: string) => ({ $ref: path })
const opName = (type: string) => type.replace(/\.(.)/g, (_, c: string) => c.toUpperCase())
const pascal = (name: string) => name.replace(/(?:^|[^a-zA-Z0-9]+)([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase())

/**
 * Names every object and enum of a frame's schema by its path (PaymentCreateAmount, …), so
 * generated C# or Java types get those names instead of AnonymousSchema_7. Titles only annotate:
 * the schema accepts exactly what protocol.schema.json accepts.
 */
function titled(schema: JsonObject, name: string): JsonObject {
  if ((schema.type === 'object' || schema.enum) && schema.title === undefined) schema.title = name
  for (const [prop, sub] of Object.entries((schema.properties ?? {}) as Record<string, JsonObject>)) {
    titled(sub, name + pascal(prop))
  }
  if (schema.items && typeof schema.items === 'object') titled(schema.items as JsonObject, `${name}Item`)
  for (const k of ['anyOf', 'oneOf', 'allOf'] as const) {
    const subs = (schema[k] ?? []) as JsonObject[]
    for (const [i, sub] of subs.entries()) titled(sub, i === 0 ? name : `${name}${i + 1}`)
  }
  return schema
}

/**
 * The till protocol as an AsyncAPI 3.0 document, seen from the daemon (it receives the till's
 * frames and sends its own), with the payload schemas taken from the same zod-derived JSON
 * Schema as docs/protocol.schema.json. `npm run protocol:schema` writes docs/protocol.asyncapi.yaml
 * from it; a test parses that with @asyncapi/parser and fails when it is stale.
 */
export function protocolAsyncApi(): JsonObject {
  const defs = protocolJsonSchema().$defs as Record<string, JsonObject>
  const frameTypes = [...Object.keys(TILL_FRAME_SCHEMAS), ...Object.keys(DAEMON_FRAME_SCHEMAS)]
  const schemas: JsonObject = {}
  const messages: JsonObject = {}
  const channelMessages: JsonObject = {}
  for (const type of frameTypes) {
    const key = opName(type)
    schemas[key] = titled(structuredClone(defs[type]) as JsonObject, pascal(key))
    messages[key] = {
      name: type,
      title: type,
      summary: SUMMARIES[type],
      contentType: 'application/json',
      payload: ref(`#/components/schemas/${key}`),
    }
    channelMessages[key] = ref(`#/components/messages/${key}`)
  }
  const msg = (type: string) => ref(`#/channels/till/messages/${opName(type)}`)
  const operations: JsonObject = {}
  const receive = (type: string, reply?: string[]) => {
    operations[`receive${pascal(type)}`] = {
      action: 'receive',
      channel: ref('#/channels/till'),
      summary: SUMMARIES[type],
      messages: [msg(type)],
      ...(reply ? { reply: { channel: ref('#/channels/till'), messages: reply.map(msg) } } : {}),
    }
  }
  receive('hello', ['welcome', 'error'])
  for (const type of REQUESTS) receive(type, ['result', 'error'])
  receive('ack')
  // Every daemon frame is also a send operation of its own, not only a reply: code generators
  // (AsyncAPI Modelina) make types only for the messages of operations.
  for (const type of Object.keys(DAEMON_FRAME_SCHEMAS)) {
    operations[`send${pascal(type)}`] = {
      action: 'send',
      channel: ref('#/channels/till'),
      summary: SUMMARIES[type],
      messages: [msg(type)],
    }
  }
  const closeCodes = Object.entries(CLOSE).map(([name, code]) => ({
    code,
    name,
    meaning: CLOSE_MEANINGS[name as keyof typeof CLOSE],
  }))
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'tillbridge till protocol',
      version: String(PROTOCOL_VERSION),
      description: [
        'The local WebSocket between a till and the tillbridge daemon: one JSON object per text frame',
        `(UTF-8, at most ${MAX_FRAME_BYTES / 1024} KiB). A till sends hello first, then requests, each answered by a result`,
        'or an error with its id, and acks the events it processed. Guide: docs/protocol.md; JSON Schema:',
        'docs/protocol.schema.json (the same source). Generated by `npm run protocol:schema`; do not edit.',
        '',
        'Close codes:',
        ...closeCodes.map((c) => `- ${c.code} ${c.name}: ${c.meaning}`),
      ].join('\n'),
      license: { name: 'MIT' },
    },
    defaultContentType: 'application/json',
    servers: {
      local: {
        host: '127.0.0.1:8787',
        protocol: 'ws',
        description: 'The default: gateway.host, gateway.port (config/default.json)',
        security: [ref('#/components/securitySchemes/tillToken')],
      },
      storeLan: {
        host: '{host}:{port}',
        protocol: 'wss',
        description: 'With gateway.tls, for tills on the store LAN',
        variables: { host: { description: 'gateway.host' }, port: { default: '8787', description: 'gateway.port' } },
        security: [ref('#/components/securitySchemes/tillToken')],
      },
    },
    channels: {
      till: {
        address: '/v1',
        title: 'Till connection',
        description:
          'gateway.path (default /v1). The token goes in the Authorization header of the upgrade, or in hello.token ' +
          'for browser tills; never in the URL. A browser Origin not in gateway.allowedOrigins gets HTTP 403.',
        messages: channelMessages,
        bindings: {
          ws: {
            method: 'GET',
            headers: {
              type: 'object',
              properties: {
                Authorization: { type: 'string', pattern: '^Bearer .+$', description: 'The till token (native tills)' },
              },
            },
            bindingVersion: '0.1.0',
          },
        },
        'x-close-codes': closeCodes,
      },
    },
    operations,
    components: {
      schemas,
      messages,
      securitySchemes: {
        tillToken: {
          type: 'httpApiKey',
          name: 'Authorization',
          in: 'header',
          description:
            'Authorization: Bearer <till token> on the upgrade request, or the token in hello.token. ' +
            'A wrong header is HTTP 401; a wrong hello token closes with 4401.',
        },
      },
    },
  }
}
