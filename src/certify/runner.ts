import type { Clock } from '../shared/clock.js'
import type { FlowKit } from './flow-kit.js'
import { FlowFailure } from './flow-kit.js'
import type { FlowSpec } from './flows.js'

/** One flow as the report shows it. */
export interface FlowResult {
  id: string
  checklist: string
  ok: boolean
  key: string | undefined
  reference: string | undefined
  pspReference: string | undefined
  amount: { value: number; currency: string } | undefined
  captured: number
  refunded: number
  cancelled: number
  /** Every status the till was told, in order, with when. */
  statuses: Array<{ status: string; at: string }>
  startedAt: string
  finishedAt: string
  expected?: string
  actual?: string
  notes: string[]
  /** The Vipps calls made for this payment. */
  calls: Array<{ request: string; status: number | undefined; at: string; refusal?: string }>
}

export interface RunHooks {
  /** Vipps' own view of the payment, for its pspReference. */
  pspReference(reference: string): Promise<string | undefined>
  /** Told when each flow ends, in the order they end. */
  onFlowDone(result: FlowResult): void
}

/**
 * Runs the flows side by side (each waits for Vipps' polling rhythm; in a row they would take
 * minutes) and collects what each did. A flow that throws fails alone; the others go on.
 */
export async function runFlows(kit: FlowKit, flows: readonly FlowSpec[], hooks: RunHooks): Promise<FlowResult[]> {
  const statuses = new Map<string, Array<{ status: string; at: string }>>()
  const stop = kit.engine.onEvent((tillId, event) => {
    if (tillId !== kit.tillId) return
    const seen = statuses.get(event.payment.key) ?? []
    if (seen.at(-1)?.status !== event.payment.status) {
      seen.push({ status: event.payment.status, at: event.payment.updatedAt })
    }
    statuses.set(event.payment.key, seen)
  })
  try {
    return await Promise.all(
      flows.map(async (flow) => {
        const result = await runOne(kit, flow, statuses, hooks)
        hooks.onFlowDone(result)
        return result
      }),
    )
  } finally {
    stop()
  }
}

async function runOne(
  kit: FlowKit,
  flow: FlowSpec,
  statuses: Map<string, Array<{ status: string; at: string }>>,
  hooks: RunHooks,
): Promise<FlowResult> {
  const startedAt = iso(kit.clock)
  const key = `certify-${kit.runId}-${flow.id}`
  let failure: { expected: string; actual: string } | undefined
  let notes: string[] = []
  try {
    notes = (await flow.run(kit)).notes ?? []
  } catch (err) {
    failure =
      err instanceof FlowFailure
        ? { expected: err.expected, actual: err.actual }
        : { expected: 'the flow to run to its end', actual: (err as Error).message }
  }
  const payment = safeGet(kit, key)
  const reference = payment?.reference
  const result: FlowResult = {
    id: flow.id,
    checklist: flow.checklist,
    ok: failure === undefined,
    key: payment ? key : undefined,
    reference,
    pspReference: reference ? await hooks.pspReference(reference).catch(() => undefined) : undefined,
    amount: payment?.amount,
    captured: payment?.captured ?? 0,
    refunded: payment?.refunded ?? 0,
    cancelled: payment?.cancelled ?? 0,
    statuses: payment ? withQueued(statuses.get(key) ?? [], payment.createdAt) : [],
    startedAt,
    finishedAt: iso(kit.clock),
    notes,
    calls: reference
      ? kit.recorder.forReference(reference).map((c) => ({
          request: `${c.method} ${c.path}`,
          status: c.status,
          at: new Date(c.sentAt).toISOString(),
          ...(c.refusal ? { refusal: c.refusal } : {}),
        }))
      : [],
    ...(failure ?? {}),
  }
  return result
}

/** Every payment starts queued; its first event may already say so. */
function withQueued(seen: Array<{ status: string; at: string }>, createdAt: string) {
  return seen[0]?.status === 'queued' ? seen : [{ status: 'queued', at: createdAt }, ...seen]
}

function safeGet(kit: FlowKit, key: string) {
  try {
    return kit.engine.get(kit.tillId, key)
  } catch {
    return undefined
  }
}

function iso(clock: Clock): string {
  return new Date(clock.now()).toISOString()
}
