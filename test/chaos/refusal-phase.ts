import type { Prng } from '../../src/simulator/prng.js'

/**
 * The refusals phase of a chaos run: documented Vipps codes scripted through /_sim/refusals on
 * every operation the daemon sends. Per operation only codes Vipps could give there: any create
 * refusal; "try again" on reads, the token and cancels (a cancel refused for good needs a person,
 * which a run without people cannot settle); try-again and final refusals on captures and refunds.
 */

export interface ScriptedRefusal {
  operation: string
  code?: string
  status?: number
  times: number
}

const CODES: Record<string, Array<{ code?: string; status?: number }>> = {
  create: ['3010', '4040', '4070', '4140', '5040', '5080', '6010', '7010'].map((code) => ({ code })),
  get: [{ status: 423 }, { status: 429 }, { code: '6160' }],
  events: [{ status: 429 }],
  token: [{ status: 429 }, { status: 503 }],
  cancel: [{ code: '6160' }, { code: '6250' }, { status: 423 }],
  capture: ['6160', '6280', '6090', '6100', '6140', '6200', '6260'].map((code) => ({ code })),
  refund: ['6160', '6150', '6210', '6220'].map((code) => ({ code })),
}

/** A handful of refusals, each on a random operation with a random code of that operation. */
export function refusalScripts(rng: Prng, count = 6): ScriptedRefusal[] {
  const operations = Object.keys(CODES)
  return Array.from({ length: count }, () => {
    const operation = operations[rng.int(operations.length)] as string
    const choices = CODES[operation] ?? []
    const pick = choices[rng.int(choices.length)] ?? {}
    return { operation, ...pick, times: 1 + rng.int(3) }
  })
}

/** The tally the summary shows: refusals scripted per `operation code` (or status). */
export function tally(into: Record<string, number>, scripts: readonly ScriptedRefusal[]): void {
  for (const s of scripts) {
    const key = `${s.operation} ${s.code ?? s.status}`
    into[key] = (into[key] ?? 0) + s.times
  }
}
