import type { Logger } from '../log/logger.js'
import type { Clock } from '../shared/clock.js'
import { defaultSalesUnit, demoCredentialSet, type SimCredentialSet, type SimSalesUnit } from './demo.js'
import { DEFAULT_MONEY_RULES } from './modifications.js'
import type { Exchange } from './request-log.js'

export interface SimulatorOptions {
  clock: Clock
  log: Logger
  /** Used for webhook deliveries; defaults to the global fetch. */
  fetch?: typeof globalThis.fetch
  /** @defaultValue '127.0.0.1' */
  host?: string
  /** 0 picks a free port. @defaultValue 0 */
  port?: number
  /** Seeds pspReferences, trace ids and (unless a fault set names its own) fault draws. @defaultValue 1 */
  seed?: number
  /** Access-token lifetime. @defaultValue 3600 */
  tokenTtlSeconds?: number
  /** How long a customer whose number ends in 1 takes to approve. @defaultValue 1500 */
  approveDelayMs?: number
  /** A payment nobody acts on expires after this. @defaultValue 600000 (10 min) */
  expiryMs?: number
  /** QR payments are scanned and approved after this; unset: only `POST /_sim/payments/{ref}/scan`. */
  autoScanAfterMs?: number
  /** API keys accepted. @defaultValue the demo credentials */
  credentials?: SimCredentialSet[]
  /** Sales units known. @defaultValue one NOK unit for the demo MSN */
  salesUnits?: SimSalesUnit[]
  /** Multiplies the per-reference rate limits (5/min, 120/min); 0 turns them off. @defaultValue 1 */
  rateLimitScale?: number
  /** How many requests `GET /_sim/requests` keeps. @defaultValue 1000 */
  requestLogLimit?: number
  /**
   * Answer the control API (/_sim: full phone numbers, approve, faults) from any address, not only
   * loopback. @defaultValue false
   */
  controlFromAnyAddress?: boolean
  /**
   * Like Vipps' two hosts: `test` serves the test-only force-approve endpoint and no Management
   * API; `production` serves the Management API and no test-only endpoints. @defaultValue 'test'
   */
  environment?: SimEnvironment
  /** After a customer approves, a cancel gets 6250 for this long. @defaultValue 2000 */
  processingWindowMs?: number
  /** A reservation lives this long after approval; a later capture gets 6100. @defaultValue 7 days */
  reservationMs?: number
  /** Called with every answered request on a Vipps path (tests record exchanges with it). */
  onExchange?: (exchange: Exchange) => void
}

export type SimEnvironment = 'test' | 'production'

export type ResolvedOptions = Required<Omit<SimulatorOptions, 'autoScanAfterMs' | 'onExchange'>> &
  Pick<SimulatorOptions, 'autoScanAfterMs' | 'onExchange'>

/** The customer whose number ends in 5 approves only after this long. */
export const SLOW_APPROVE_MS = 25_000

export function resolveOptions(o: SimulatorOptions): ResolvedOptions {
  return {
    clock: o.clock,
    log: o.log,
    fetch: o.fetch ?? globalThis.fetch,
    host: o.host ?? '127.0.0.1',
    port: o.port ?? 0,
    seed: o.seed ?? 1,
    tokenTtlSeconds: o.tokenTtlSeconds ?? 3600,
    approveDelayMs: o.approveDelayMs ?? 1500,
    expiryMs: o.expiryMs ?? 600_000,
    credentials: o.credentials ?? [demoCredentialSet()],
    salesUnits: o.salesUnits ?? [defaultSalesUnit()],
    rateLimitScale: o.rateLimitScale ?? 1,
    requestLogLimit: o.requestLogLimit ?? 1000,
    controlFromAnyAddress: o.controlFromAnyAddress ?? false,
    environment: o.environment ?? 'test',
    processingWindowMs: o.processingWindowMs ?? DEFAULT_MONEY_RULES.processingWindowMs,
    reservationMs: o.reservationMs ?? DEFAULT_MONEY_RULES.reservationMs,
    autoScanAfterMs: o.autoScanAfterMs,
    onExchange: o.onExchange,
  }
}

/**
 * The control API approves payments and lists full phone numbers: only a peer on this machine
 * may use it unless the simulator was told otherwise.
 */
export function controlAllowed(remoteAddress: string | undefined, fromAnyAddress: boolean): boolean {
  if (fromAnyAddress) return true
  if (remoteAddress === undefined) return false
  const v4 = remoteAddress.startsWith('::ffff:') ? remoteAddress.slice(7) : remoteAddress
  return v4 === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4)
}
