import { z } from 'zod'
import { Prng } from './prng.js'

const rate = z.number().min(0).max(1)

/** The body of `POST /_sim/faults`. Every key is optional; a new set replaces the old one. */
export const faultSetSchema = z.strictObject({
  latencyMs: z.number().int().min(0).max(120_000).optional().describe('Delay before answering'),
  errorRate: rate.optional().describe('Share of requests answered with errorStatus, doing nothing'),
  errorStatus: z
    .union([z.literal(500), z.literal(502), z.literal(503), z.literal(423)])
    .optional()
    .describe('Status for errorRate; default 500'),
  rateLimitRate: rate.optional().describe('Share answered 429 with Retry-After, doing nothing'),
  retryAfterSeconds: z.number().int().min(0).max(3600).optional().describe('Retry-After of rateLimitRate; default 1'),
  dropBeforeRate: rate.optional().describe('Share whose connection is closed before doing anything'),
  dropAfterRate: rate.optional().describe('Share that is carried out, then the connection closed unanswered'),
  tokenOutage: z.boolean().optional().describe('POST /accesstoken/get answers 503'),
  paths: z
    .array(z.string().min(1))
    .optional()
    .describe('Limit faults to these path prefixes; an entry starting with ^ is a regular expression'),
  seed: z.number().int().optional().describe('Seed of the fault draws; default the simulator seed'),
})

export type FaultSet = z.output<typeof faultSetSchema>

export type FaultAction = 'none' | 'tokenOutage' | 'dropBefore' | 'error' | 'rateLimit' | 'dropAfter'

export interface FaultDecision {
  latencyMs: number
  action: FaultAction
}

const NONE: FaultDecision = { latencyMs: 0, action: 'none' }

/**
 * Injected failures on Vipps paths (never on /_sim). Every request on a matching path draws the
 * same four numbers in the same order, so one seed gives one sequence of outcomes.
 */
export class Faults {
  readonly #defaultSeed: number
  #set: FaultSet = {}
  #matchers: Array<(path: string) => boolean> = []
  #prng: Prng

  constructor(defaultSeed: number) {
    this.#defaultSeed = defaultSeed
    this.#prng = new Prng(defaultSeed)
  }

  /** Replaces the fault set; throws a SyntaxError for an invalid path regex. */
  set(faults: FaultSet): void {
    this.#matchers = (faults.paths ?? []).map(toMatcher)
    this.#set = faults
    this.#prng = new Prng(faults.seed ?? this.#defaultSeed)
  }

  clear(): void {
    this.set({})
  }

  current(): FaultSet {
    return this.#set
  }

  get errorStatus(): number {
    return this.#set.errorStatus ?? 500
  }

  get retryAfterSeconds(): number {
    return this.#set.retryAfterSeconds ?? 1
  }

  decide(path: string): FaultDecision {
    const f = this.#set
    if (path === '/accesstoken/get' && f.tokenOutage) return { latencyMs: f.latencyMs ?? 0, action: 'tokenOutage' }
    if (this.#matchers.length > 0 && !this.#matchers.some((m) => m(path))) return NONE
    const latencyMs = f.latencyMs ?? 0
    const draws = [this.#prng.next(), this.#prng.next(), this.#prng.next(), this.#prng.next()] as const
    if (draws[0] < (f.dropBeforeRate ?? 0)) return { latencyMs, action: 'dropBefore' }
    if (draws[1] < (f.errorRate ?? 0)) return { latencyMs, action: 'error' }
    if (draws[2] < (f.rateLimitRate ?? 0)) return { latencyMs, action: 'rateLimit' }
    if (draws[3] < (f.dropAfterRate ?? 0)) return { latencyMs, action: 'dropAfter' }
    return { latencyMs, action: 'none' }
  }
}

function toMatcher(entry: string): (path: string) => boolean {
  if (entry.startsWith('^')) {
    const re = new RegExp(entry)
    return (path) => re.test(path)
  }
  return (path) => path.startsWith(entry)
}
