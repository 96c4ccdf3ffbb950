import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import winston from 'winston'
import { modificationBody } from '../../../src/vipps/api.js'
import { problem, runUntilSettled } from '../../helpers/fake-vipps.js'
import { useConformingFetch } from '../../helpers/recording-fetch.js'
import { fakeVippsClients } from '../../helpers/vipps-fixture.js'

const conforming = useConformingFetch()
const wrapFetch = (inner: typeof globalThis.fetch) => conforming(inner).fetch

const CANARY = {
  clientId: '0c0a4a11-ca4a-4a11-8ca4-000000c0a4a1',
  clientSecret: 'canary-client-secret-91f3',
  subscriptionKey: 'canary-subscription-key-7d22',
}
const REF = 'tb-s1-000123'

/** A logger with NO redaction, so the test proves the client never logs secrets in the first place. */
function rawLogger() {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk))
      done()
    },
  })
  const log = winston.createLogger({
    level: 'debug',
    format: winston.format.json(),
    transports: [new winston.transports.Stream({ stream })],
  })
  return { log, lines }
}

function describeError(err: unknown): string {
  const parts: string[] = []
  let current: unknown = err
  for (let depth = 0; depth < 6 && current !== undefined; depth++) {
    parts.push(String(current), JSON.stringify(current) ?? '')
    if (current instanceof Error) parts.push(current.stack ?? '', JSON.stringify(Object.entries(current)))
    current = current instanceof Error ? current.cause : undefined
  }
  return parts.join('\n')
}

describe('no secret or token leaves the Vipps client', () => {
  it('in logs or errors, across success, refusals, retries, timeouts and token failures', async () => {
    const { log, lines } = rawLogger()
    const { clock, vipps, epayment } = fakeVippsClients({
      wrapFetch,
      log,
      credentials: CANARY,
      provider: { retries: 3 },
    })
    const capture = { idempotencyKey: `${REF}-cap1`, body: modificationBody.capture({ currency: 'NOK', value: 100 }) }
    const texts: string[] = []
    const run = async (promise: Promise<unknown>) => {
      const outcome = await runUntilSettled(clock, promise, { stepMs: 100 })
      if (outcome.error) texts.push(describeError(outcome.error))
    }

    vipps.tokenReplies.push({
      status: 401,
      body: { error: 'unauthorized_client', error_description: `AADSTS700016: application '${CANARY.clientId}'` },
    })
    await run(epayment.getPayment(REF))
    await clock.advance(60_000)
    await run(epayment.getPayment(REF))
    vipps.replies.push({ status: 500 }, { drop: 'before' }, { delayMs: 5000, reply: { status: 200 } })
    await run(epayment.capturePayment(REF, capture))
    vipps.revokeTokens()
    vipps.replies.push({ status: 409, body: problem(409, '4010') })
    await run(epayment.capturePayment(REF, capture))
    vipps.handler = () => ({ status: 503 })
    await run(epayment.capturePayment(REF, capture))
    vipps.revokeTokens()
    vipps.tokenReplies.push({ status: 503 })
    await run(epayment.getPayment(REF))

    const tokens = vipps.tokenRequests.length
    expect(tokens).toBeGreaterThanOrEqual(3)
    expect(lines.length).toBeGreaterThan(5)
    expect(texts.length).toBeGreaterThanOrEqual(3)
    const everything = [...lines, ...texts].join('\n')
    const issued = Array.from({ length: tokens }, (_, i) => `fake-token-${i + 1}`)
    for (const secret of [CANARY.clientId, CANARY.clientSecret, CANARY.subscriptionKey, ...issued]) {
      expect(everything).not.toContain(secret)
    }
  })
})
