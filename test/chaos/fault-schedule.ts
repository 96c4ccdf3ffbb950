import type { FaultSet } from '../../src/simulator/faults.js'
import type { Prng } from '../../src/simulator/prng.js'
import { refusalScripts, type ScriptedRefusal } from './refusal-phase.js'

/**
 * The weather at "Vipps" during a chaos run: the simulator's fault set switches from phase to
 * phase, so every fault kind (latency past the attempt timeout, 5xx, 423, 429 with Retry-After,
 * connections dropped before or after the work was done, a token outage, faults limited to some
 * paths) meets every moment of a payment's life. The draws inside a phase are seeded too.
 */

export interface FaultPhase {
  name: string
  faults: FaultSet
  /** Documented Vipps refusals to script for this phase (refusal-phase.ts). */
  refusals?: ScriptedRefusal[]
}

const CREATE_PATH = '^/epayment/v1/payments$'
const MODIFY_PATHS = '^/epayment/v1/payments/[^/]+/(capture|refund|cancel)$'

const PHASES: Array<(rng: Prng) => FaultPhase> = [
  () => ({ name: 'calm', faults: {} }),
  (rng) => ({ name: 'refusals', faults: {}, refusals: refusalScripts(rng) }),
  (rng) => ({ name: 'slow', faults: { latencyMs: 50 + rng.int(400) } }),
  // Past the daemon's 2 s attempt timeout: the call is abandoned, yet Vipps did the work.
  () => ({ name: 'timeouts', faults: { latencyMs: 2500, paths: ['/epayment/'] } }),
  (rng) => ({ name: 'server-errors', faults: { errorRate: 0.3, errorStatus: ([500, 502, 503] as const)[rng.int(3)] } }),
  () => ({ name: 'locked', faults: { errorRate: 0.3, errorStatus: 423 } }),
  () => ({ name: 'rate-limited', faults: { rateLimitRate: 0.3, retryAfterSeconds: 1 } }),
  () => ({ name: 'drop-before', faults: { dropBeforeRate: 0.3 } }),
  () => ({ name: 'drop-after', faults: { dropAfterRate: 0.3 } }),
  () => ({ name: 'token-outage', faults: { tokenOutage: true, errorRate: 0.1, errorStatus: 503 } }),
  () => ({ name: 'creates-lost', faults: { dropAfterRate: 0.6, paths: [CREATE_PATH] } }),
  () => ({ name: 'modifications-lost', faults: { dropAfterRate: 0.4, errorRate: 0.2, paths: [MODIFY_PATHS] } }),
  (rng) => ({
    name: 'storm',
    faults: {
      latencyMs: rng.int(50),
      errorRate: 0.1,
      errorStatus: 503,
      rateLimitRate: 0.05,
      dropBeforeRate: 0.1,
      dropAfterRate: 0.1,
    },
  }),
]

/** The next phase: each kind in turn in a seeded order, reshuffled after every round. */
export class FaultSchedule {
  readonly #rng: Prng
  #round: number[] = []

  constructor(rng: Prng) {
    this.#rng = rng
  }

  next(): FaultPhase {
    if (this.#round.length === 0)
      this.#round = shuffle(
        PHASES.map((_, i) => i),
        this.#rng,
      )
    const index = this.#round.shift() ?? 0
    const phase = (PHASES[index] as (rng: Prng) => FaultPhase)(this.#rng)
    return { ...phase, faults: { ...phase.faults, seed: this.#rng.int(2 ** 31) } }
  }
}

function shuffle<T>(items: T[], rng: Prng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1)
    ;[items[i], items[j]] = [items[j] as T, items[i] as T]
  }
  return items
}
