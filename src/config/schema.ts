import { z } from 'zod'
import { VERSION } from '../shared/version.js'

/**
 * A Vipps-System-* header value: HTTP header values are bytes, and fetch refuses anything outside
 * Latin-1 on every request, so a non-ASCII value would make every call fail (retried forever).
 * Refused here, as a config error (exit 78), instead.
 */
const systemHeader = z
  .string()
  .min(1)
  .max(30)
  .regex(/^[\x20-\x7E]+$/, 'must be printable ASCII (Vipps-System-* headers)')

/**
 * The configuration schema: one source for validation, the `Config` type and the defaults.
 * Every object is strict, so a misspelt key is reported instead of silently ignored.
 * Secrets never sit here: a secret is named by a `SecretRef` and read by `secrets.ts`.
 */

/** Where a secret lives: a file path, or a systemd credential name under $CREDENTIALS_DIRECTORY. */
export const secretRefSchema = z.union([
  z.strictObject({ file: z.string().min(1).describe('Path of a file holding the secret') }),
  z.strictObject({
    credential: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/)
      .describe('Name of a systemd credential (LoadCredential=) under $CREDENTIALS_DIRECTORY'),
  }),
])

const ms = (max: number) => z.number().int().min(0).max(max)
const port = z.number().int().min(0).max(65535)

const tillSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/)
    .describe('Till name, shown in logs and `welcome`'),
  tokenSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional()
    .describe('SHA-256 (hex) of the till token; `tillbridge till add NAME` prints it'),
  token: secretRefSchema.optional().describe('Or: the till token itself, read from a file or credential'),
  previousTokenSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional()
    .describe('Rotation: the old token stays valid beside the new one until this key is removed'),
  previousToken: secretRefSchema.optional().describe('Or: the old token itself, read from a file or credential'),
  msn: z
    .string()
    .regex(/^[0-9]{4,7}$/)
    .optional()
    .describe('Sales unit for this till; default: the first one'),
})

const credentialSetSchema = z.strictObject({
  name: z.string().min(1).describe('Name that sales units refer to'),
  clientId: secretRefSchema,
  clientSecret: secretRefSchema,
  subscriptionKey: secretRefSchema,
  partner: z.boolean().default(false).describe('Partner keys: one token serves every sales unit (MSN header)'),
})

const salesUnitSchema = z.strictObject({
  msn: z
    .string()
    .regex(/^[0-9]{4,7}$/)
    .describe('Merchant Serial Number of the sales unit'),
  credentialSet: z.string().min(1).describe('Name of the credential set for this unit'),
})

export const configSchema = z.strictObject({
  logging: z
    .strictObject({
      level: z.enum(['error', 'warn', 'info', 'debug']).default('info').describe('Lowest level written'),
    })
    .prefault({}),
  journal: z
    .strictObject({
      path: z.string().min(1).default('./data/tillbridge.db').describe('SQLite journal file'),
      busyTimeoutMs: ms(60_000).default(5000).describe('How long a write waits for a lock'),
    })
    .prefault({}),
  gateway: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1').describe('Address tills connect to'),
      port: port.default(8787),
      path: z.string().startsWith('/').default('/v1'),
      allowedOrigins: z
        .array(z.string().url())
        .default([])
        .describe('Origins allowed to open the WebSocket (browser tills); others get 403'),
      tls: z
        .strictObject({ certFile: z.string().min(1), keyFile: z.string().min(1) })
        .optional()
        .describe('Serve wss:// for tills on the store LAN'),
      tills: z.array(tillSchema).default([]),
      maxConnections: z
        .number()
        .int()
        .min(1)
        .max(100_000)
        .default(1000)
        .describe('Authenticated connections, all tills together'),
      maxConnectionsPerTill: z
        .number()
        .int()
        .min(1)
        .max(1000)
        .default(2)
        .describe("One till's connections; a newer one closes its oldest (1008)"),
      maxAnonymous: z
        .number()
        .int()
        .min(1)
        .max(100_000)
        .default(64)
        .describe('Connections still waiting for hello; when full, a new one closes the oldest'),
      maxSocketsPerAddress: z
        .number()
        .int()
        .min(1)
        .max(100_000)
        .default(32)
        .describe('TCP sockets one peer address may hold, before and after the upgrade'),
      authFailuresPerAddress: z
        .number()
        .int()
        .min(1)
        .max(10_000)
        .default(10)
        .describe('Failed authentications from one address before it must wait (1 s, doubling)'),
      authBackoffMaxMs: ms(3_600_000).default(60_000).describe('Longest wait after failed authentications'),
      headersTimeoutMs: ms(60_000)
        .default(5000)
        .describe('Time for the HTTP upgrade request to arrive whole; slower sockets are closed'),
      allowPlainLan: z
        .boolean()
        .default(false)
        .describe('With provider.kind vipps: accept a non-loopback host without tls (doctor warns)'),
      maxRequestsPerSecond: z
        .number()
        .int()
        .min(1)
        .max(10_000)
        .default(20)
        .describe('Per connection; every frame counts but an ack of an event this connection received'),
      maxBufferedBytes: z
        .number()
        .int()
        .min(1024)
        .default(4 * 1024 * 1024)
        .describe('Unread data before 1008'),
      heartbeatMs: ms(600_000).default(15_000),
      helloTimeoutMs: ms(60_000).default(5000),
    })
    .prefault({}),
  provider: z
    .strictObject({
      kind: z
        .enum(['simulator', 'vipps'])
        .default('simulator')
        .describe('`simulator` runs the built-in Vipps simulator in-process; `vipps` talks to baseUrl'),
      baseUrl: z.string().url().default('https://apitest.vipps.no'),
      environment: z
        .enum(['test', 'production'])
        .optional()
        .describe(
          'Which Vipps host baseUrl is; default: production for api.vipps.no, else test (doctor skips Management off production)',
        ),
      credentialSets: z.array(credentialSetSchema).default([]),
      salesUnits: z.array(salesUnitSchema).default([]),
      system: z
        .strictObject({
          name: systemHeader.default('tillbridge'),
          version: systemHeader.default(VERSION),
          pluginName: systemHeader.default('tillbridge'),
          pluginVersion: systemHeader.default(VERSION),
        })
        .prefault({})
        .describe('Vipps-System-* headers (each ≤ 30 characters)'),
      attemptTimeoutMs: ms(120_000).default(10_000).describe('Per HTTP attempt'),
      deadlineMs: ms(600_000).default(60_000).describe('Per call, all retries included'),
      retries: z.number().int().min(0).max(20).default(6),
      minRetryDelayMs: ms(60_000).default(250),
      maxRetryDelayMs: ms(600_000).default(10_000),
    })
    .prefault({}),
  simulator: z
    .strictObject({
      host: z.string().default('127.0.0.1'),
      port: port.default(0).describe('0 picks a free port'),
      seed: z.number().int().default(1),
      tokenTtlSeconds: z.number().int().min(1).default(3600),
      approveDelayMs: ms(600_000).default(1500),
      expiryMs: ms(86_400_000).default(600_000),
      autoScanAfterMs: ms(600_000).optional().describe('QR payments are scanned and approved after this'),
      controlFromAnyAddress: z
        .boolean()
        .default(false)
        .describe('Answer the control API (/_sim) from any address, not only loopback'),
      environment: z
        .enum(['test', 'production'])
        .default('test')
        .describe('`test`: force-approve, no Management API; `production`: Management API, no test endpoints'),
      processingWindowMs: ms(600_000).default(2000).describe('After an approval, a cancel gets 6250 for this long'),
    })
    .prefault({})
    .describe('The embedded simulator, used when provider.kind is `simulator`'),
  payments: z
    .strictObject({
      referencePrefix: z
        .string()
        .regex(/^[a-zA-Z0-9-]{1,16}$/)
        .default('tb')
        .describe('Store/till prefix of every Vipps reference'),
      sendDeadlineMs: ms(3_600_000).default(60_000).describe('A create not sent by then is never sent'),
      pollFirstDelayMs: ms(600_000).default(5000),
      pollIntervalMs: ms(600_000).default(2000),
      manualCaptureTimeoutMs: ms(30 * 86_400_000).default(600_000),
      completerIntervalMs: ms(3_600_000).default(30_000),
      modificationsPerMinute: z
        .number()
        .int()
        .min(1)
        .max(1000)
        .default(5)
        .describe("Vipps' limit of creates, captures, cancels and refunds per minute per reference"),
      retryMinDelayMs: ms(600_000).default(1000).describe('First wait before a failed Vipps operation goes again'),
      retryMaxDelayMs: ms(3_600_000)
        .default(300_000)
        .describe('Longest wait between tries of a durable intent (capture, cancel, refund)'),
      retentionDays: z.number().int().min(3).max(3650).default(90),
      unackedEventRetentionDays: z
        .number()
        .int()
        .min(1)
        .max(3650)
        .default(30)
        .describe('Till events never acked are dropped after this (tillbridge_events_expired_total)'),
      pruneCron: z.string().default('17 3 * * *'),
    })
    .prefault({}),
  reconcile: z
    .strictObject({
      enabled: z.boolean().default(true).describe('Run the nightly reconciliation'),
      cron: z.string().default('40 2 * * *').describe('When the nightly job reconciles the previous day (node-cron)'),
      dir: z
        .string()
        .min(1)
        .optional()
        .describe('Where nightly reports are written; default: a `reconcile` folder beside the journal'),
      timeZone: z
        .string()
        .min(1)
        .optional()
        .describe("The store's IANA time zone for days; default: the machine's (TZ, else /etc/localtime)"),
    })
    .prefault({}),
  admin: z
    .strictObject({
      enabled: z.boolean().default(true),
      host: z.string().default('127.0.0.1'),
      port: port.default(8788),
      token: secretRefSchema.optional().describe('Bearer token for every admin endpoint but /healthz'),
      tokenSha256: z
        .string()
        .regex(/^[0-9a-f]{64}$/)
        .optional()
        .describe('Or: SHA-256 (hex) of the admin token'),
      tls: z
        .strictObject({ certFile: z.string().min(1), keyFile: z.string().min(1) })
        .optional()
        .describe('Serve https:// (needed beyond loopback with provider.kind vipps)'),
      allowPlainLan: z
        .boolean()
        .default(false)
        .describe('With provider.kind vipps: accept a non-loopback host without tls (doctor warns)'),
      maxConnections: z.number().int().min(1).max(10_000).default(32).describe('Open sockets at once'),
      headersTimeoutMs: ms(60_000).default(5000).describe('Time for a request to arrive whole'),
    })
    .prefault({}),
  shutdownTimeoutMs: ms(300_000).default(10_000).describe('SIGTERM to exit; keep below TimeoutStopSec'),
})

export type Config = z.output<typeof configSchema>
export type ConfigInput = z.input<typeof configSchema>
export type SecretRef = z.output<typeof secretRefSchema>
export type TillConfig = z.output<typeof tillSchema>
