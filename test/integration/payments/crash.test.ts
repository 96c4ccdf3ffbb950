import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { TillClient } from '../../../src/client/index.js'
import { sha256Hex } from '../../../src/config/secrets.js'
import { createSilentLogger } from '../../../src/log/logger.js'
import { factsFromVipps } from '../../../src/payments/vipps-status.js'
import { createSystemClock } from '../../../src/shared/clock.js'
import { SIMULATOR_DEMO_CREDENTIALS as DEMO } from '../../../src/simulator/demo.js'
import { Prng } from '../../../src/simulator/prng.js'
import { Simulator } from '../../../src/simulator/simulator.js'
import type { PaymentState } from '../../../src/vipps/types.js'
import { current, isFinal, runTill, type TillRecord } from '../../helpers/crash-till.js'
import { type DaemonProcess, startDaemon } from '../../helpers/daemon-process.js'
import { freePort } from '../../helpers/free-port.js'
import { useTempDir } from '../../helpers/temp-dir.js'

/**
 * The promise under fire: the daemon as a child process against the simulator with faults on,
 * tills paying, cancelling, capturing and refunding over the WebSocket, and SIGKILL at seeded
 * random moments, then a restart, again and again. Afterwards every accepted payment must exist
 * exactly once at the simulator (or never have left the daemon), be final, have had every capture,
 * cancel and refund it was asked for exactly once, and every till must have seen its events
 * numbered 1, 2, 3, … with no gap and no repeat.
 */

const SEED = Number(process.env.CRASH_SEED ?? 20260101)
const KILLS = Number(process.env.CRASH_KILLS ?? 25)
const TILLS = 4
const tempDir = useTempDir('tillbridge-crash-')
const cleanup: Array<() => Promise<unknown> | unknown> = []
afterAll(async () => {
  for (const c of cleanup.splice(0).reverse()) await c()
})

interface LedgerPayment {
  reference: string
  state: PaymentState
  aggregate: Record<'authorizedAmount' | 'capturedAmount' | 'refundedAmount' | 'cancelledAmount', { value: number }>
  operations: Array<{ kind: string; idempotencyKey: string | null; amount: { value: number } }>
}

describe('crash test: SIGKILL at random moments, with Vipps faults on', () => {
  it(`keeps the promise across ${KILLS} kills (seed ${SEED})`, { timeout: 240_000 }, async () => {
    const rng = new Prng(SEED)
    const dir = tempDir()
    const sim = new Simulator({
      clock: createSystemClock(),
      log: createSilentLogger(),
      seed: SEED,
      approveDelayMs: 300,
      autoScanAfterMs: 400,
      rateLimitScale: 20,
    })
    await sim.start()
    cleanup.push(() => sim.stop())
    const control = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${sim.baseUrl}/_sim${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
      const text = await res.text()
      return text ? (JSON.parse(text) as unknown) : undefined
    }
    await control('POST', '/faults', {
      latencyMs: 5,
      errorRate: 0.04,
      errorStatus: 503,
      rateLimitRate: 0.02,
      retryAfterSeconds: 0,
      dropBeforeRate: 0.03,
      dropAfterRate: 0.05,
      paths: ['/epayment/'],
      seed: SEED,
    })

    const port = await freePort()
    const tokens = Array.from({ length: TILLS }, (_, i) => `crash-till-${i}-token-${SEED}`)
    for (const [name, value] of Object.entries({
      id: DEMO.clientId,
      secret: DEMO.clientSecret,
      key: DEMO.subscriptionKey,
    })) {
      writeFileSync(join(dir, `vipps-${name}`), value)
    }
    const configFile = join(dir, 'config.json')
    writeFileSync(
      configFile,
      JSON.stringify({
        journal: { path: join(dir, 'journal.db') },
        gateway: {
          port,
          maxRequestsPerSecond: 1000,
          tills: tokens.map((t, i) => ({ id: `till-${i}`, tokenSha256: sha256Hex(t) })),
        },
        provider: {
          kind: 'vipps',
          baseUrl: sim.baseUrl,
          credentialSets: [
            {
              name: 'demo',
              clientId: { file: join(dir, 'vipps-id') },
              clientSecret: { file: join(dir, 'vipps-secret') },
              subscriptionKey: { file: join(dir, 'vipps-key') },
            },
          ],
          salesUnits: [{ msn: DEMO.msn, credentialSet: 'demo' }],
          attemptTimeoutMs: 2000,
          deadlineMs: 6000,
          retries: 0,
          minRetryDelayMs: 50,
          maxRetryDelayMs: 300,
        },
        payments: {
          pollFirstDelayMs: 200,
          pollIntervalMs: 200,
          manualCaptureTimeoutMs: 2500,
          completerIntervalMs: 1000,
          retryMinDelayMs: 100,
          retryMaxDelayMs: 1000,
          modificationsPerMinute: 100,
        },
        admin: { enabled: false },
        shutdownTimeoutMs: 3000,
      }),
    )

    let daemon: DaemonProcess | undefined
    const start = async () => {
      daemon = startDaemon(['run', '--config', configFile])
      await daemon.waitForLine((l) => l.message === 'ready', 20_000)
    }
    cleanup.push(() => daemon?.child.kill('SIGKILL'))
    await start()

    const records: TillRecord[] = []
    const clients = tokens.map((token, i) => {
      const record: TillRecord = { tillId: `till-${i}`, payments: new Map(), seqs: [], scenarios: [] }
      records.push(record)
      const client = new TillClient({
        url: `ws://127.0.0.1:${port}/v1`,
        token,
        reconnect: { minDelayMs: 50, maxDelayMs: 300 },
        requestTimeoutMs: 5000,
        onEvent: (e) => {
          record.seqs.push(e.seq)
        },
      })
      cleanup.push(() => client.close())
      return client
    })
    await Promise.all(clients.map((c) => c.connect()))

    let loading = true
    const tills = clients.map((c, i) => runTill(c, records[i] as TillRecord, new Prng(SEED + i + 1), () => loading))

    let kills = 0
    while (kills < KILLS) {
      await new Promise((resolve) => setTimeout(resolve, 300 + rng.int(900)))
      const victim = daemon
      victim?.child.kill('SIGKILL')
      await victim?.exited
      kills++
      await start()
    }
    loading = false
    await Promise.all(tills)
    await control('DELETE', '/faults')

    // Everything settles once Vipps behaves: every accepted payment ends final.
    const accepted = records.flatMap((r, i) => [...r.payments].map(([key, asked]) => ({ till: i, key, asked })))
    const finals = new Map<string, Awaited<ReturnType<typeof current>>>()
    const deadline = Date.now() + 60_000
    for (const p of accepted) {
      for (;;) {
        const now = await current(clients[p.till] as TillClient, p.key)
        if (isFinal(now) || Date.now() > deadline) {
          finals.set(p.key, now)
          break
        }
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 500)) // the last events reach the tills
    const ledger = ((await control('GET', '/payments')) as { payments: LedgerPayment[] }).payments
    daemon?.child.kill('SIGTERM')
    expect((await daemon?.exited)?.code).toBe(0)

    const tally = new Map<string, number>()
    for (const p of accepted) tally.set(p.asked.scenario, (tally.get(p.asked.scenario) ?? 0) + 1)
    const summary = `${accepted.length} payments, ${kills} kills, scenarios ${JSON.stringify(Object.fromEntries(tally))}`
    expect(kills, summary).toBe(KILLS)
    expect(accepted.length, summary).toBeGreaterThan(20)

    // Every payment final (a failure shows the journal's timeline of the ones that are not).
    const db = new Database(join(dir, 'journal.db'), { readonly: true })
    cleanup.push(() => db.close())
    const timeline = (reference: string) =>
      db
        .prepare(`SELECT t.at, t.kind, t.to_status, t.operation, t.idempotency_key, t.http_status, t.vipps_code,
          t.outcome FROM payment_timeline t JOIN payments p ON p.id = t.payment_id WHERE p.reference = ? ORDER BY t.id`)
        .raw()
        .all(reference)
    const notFinal = [...finals]
      .filter(([, p]) => !isFinal(p))
      .map(([k, p]) => `${k}: ${p.status} ${JSON.stringify(timeline(p.reference))}`)
    expect(notFinal, summary).toEqual([])

    // At the simulator: only references our tills were given, each created once.
    const byReference = new Map(accepted.map((p) => [p.asked.reference, p]))
    const orphans = ledger.filter((l) => !byReference.has(l.reference)).map((l) => l.reference)
    expect(orphans).toEqual([])
    const ops = (l: LedgerPayment, kind: string) => l.operations.filter((o) => o.kind === kind)
    for (const l of ledger) expect(ops(l, 'create'), l.reference).toHaveLength(1)
    expect(new Set(ledger.map((l) => l.reference)).size).toBe(ledger.length)

    for (const p of accepted) {
      const final = finals.get(p.key)
      const at = ledger.find((l) => l.reference === p.asked.reference)
      const where = `${p.key} (${p.asked.scenario}) → ${final?.status}`
      if (!at) {
        // Never at Vipps: refused (7010), expired unsent, or cancelled before it was sent.
        expect(
          final?.status === 'failed' ||
            final?.failure?.code === 'EXPIRED_BEFORE_SEND' ||
            (final?.status === 'cancelled' && p.asked.cancelled),
          where,
        ).toBe(true)
        continue
      }
      // The till's status is what Vipps says, and no reservation is left dangling.
      const amounts = {
        authorizedAmount: { currency: 'NOK' as const, value: at.aggregate.authorizedAmount.value },
        capturedAmount: { currency: 'NOK' as const, value: at.aggregate.capturedAmount.value },
        refundedAmount: { currency: 'NOK' as const, value: at.aggregate.refundedAmount.value },
        cancelledAmount: { currency: 'NOK' as const, value: at.aggregate.cancelledAmount.value },
      }
      expect(final?.status, where).toBe(factsFromVipps(at.state, amounts).status)
      if (at.state === 'AUTHORIZED') {
        const { authorizedAmount, capturedAmount, cancelledAmount } = at.aggregate
        expect(capturedAmount.value + cancelledAmount.value, `${where}: reservation left`).toBe(authorizedAmount.value)
      }
      // Money: the till's view is Vipps' aggregate.
      expect(final?.captured, where).toBe(at.aggregate.capturedAmount.value)
      expect(final?.refunded, where).toBe(at.aggregate.refundedAmount.value)
      expect(final?.cancelled, where).toBe(at.aggregate.cancelledAmount.value)
      // Never taken twice, never released twice.
      expect(ops(at, 'capture').length, where).toBeLessThanOrEqual(1)
      expect(ops(at, 'cancel').length, where).toBeLessThanOrEqual(1)
      // Every capture, cancel and refund asked for happened exactly once.
      if (p.asked.capture !== undefined) {
        expect(
          ops(at, 'capture').map((o) => o.amount.value),
          where,
        ).toEqual([p.asked.capture])
      }
      if (p.asked.cancelled && final?.status === 'cancelled') expect(ops(at, 'cancel'), where).toHaveLength(1)
      if (p.asked.cancelled) expect(['cancelled', 'captured', 'declined', 'refunded'], where).toContain(final?.status)
      expect(
        ops(at, 'refund')
          .map((o) => o.amount.value)
          .sort(),
        where,
      ).toEqual([...p.asked.refunds.values()].sort())
    }

    // Each till saw its events numbered 1, 2, 3, … with no gap and no repeat, up to the last one.
    for (const r of records) {
      const last = db.prepare('SELECT last_seq FROM till_mailboxes WHERE till_id = ?').pluck().get(r.tillId)
      expect(r.seqs, r.tillId).toEqual(Array.from({ length: r.seqs.length }, (_, i) => i + 1))
      expect(r.seqs.length, r.tillId).toBe(last)
    }
  })
})
