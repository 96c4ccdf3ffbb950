import { describe, expect, it } from 'vitest'
import { FlowFailure, type FlowKit } from '../../../src/certify/flow-kit.js'
import { checkPolling } from '../../../src/certify/polling.js'
import { CallRecorder, maskSecret } from '../../../src/certify/recorder.js'
import { ManualClock } from '../../../src/shared/manual-clock.js'

const REF = 'tb-abcdef-9'

/** A kit whose recorder already holds a create answered at t=0 and reads at the times given. */
function kitWith(readsAt: number[], poll = { firstDelayMs: 5000, intervalMs: 2000 }): FlowKit {
  const clock = new ManualClock()
  const recorder = new CallRecorder(globalThis.fetch, clock, () => undefined)
  const t0 = clock.now()
  recorder.calls.push({
    method: 'POST',
    path: '/epayment/v1/payments',
    headers: {},
    body: { reference: REF },
    sentAt: t0 - 50,
    answeredAt: t0,
    status: 201,
  })
  for (const at of readsAt) {
    recorder.calls.push({
      method: 'GET',
      path: `/epayment/v1/payments/${REF}`,
      headers: {},
      body: undefined,
      sentAt: t0 + at,
      status: 200,
    })
  }
  return { recorder, clock, poll, waitMs: 1000 } as unknown as FlowKit
}

async function failureOf(kit: FlowKit): Promise<FlowFailure> {
  const err = await checkPolling(kit, REF).then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!(err instanceof FlowFailure)) throw new Error('expected a FlowFailure')
  return err
}

describe('checkPolling (first read after 5 s, then every 2 s)', () => {
  it('accepts the guideline and says what it saw', async () => {
    expect(await checkPolling(kitWith([5010, 7020, 9030, 11_040]), REF)).toEqual([
      'first read 5.0 s after the create; then every 2.0, 2.0, 2.0 s',
    ])
  })

  it('fails a first read sooner than 5 s', async () => {
    expect((await failureOf(kitWith([3000, 5000, 7000, 9000]))).actual).toBe('3000 ms')
  })

  it('fails reads closer than 2 s', async () => {
    expect((await failureOf(kitWith([5000, 6000, 8000, 10_000]))).expected).toBe('reads ≥ 2 s apart')
  })

  it('fails settings faster than the guideline before looking at the wire', async () => {
    const failure = await failureOf(kitWith([], { firstDelayMs: 1000, intervalMs: 2000 }))
    expect(failure.actual).toBe('1000 and 2000')
  })
})

describe('maskSecret', () => {
  it('keeps the Bearer scheme and the length, nothing of the secret', () => {
    expect(maskSecret('Bearer eyJhbGciOi.abc')).toBe('Bearer (masked, 14 characters)')
    expect(maskSecret('s3cr3t-key')).toBe('(masked, 10 characters)')
  })
})
