import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { TillClient, TillClientError } from '../../../src/client/index.js'
import { createSilentLogger } from '../../../src/log/logger.js'
import { createSystemClock } from '../../../src/shared/clock.js'
import { Prng } from '../../../src/simulator/prng.js'
import { Simulator } from '../../../src/simulator/simulator.js'
import { ChaosDaemon } from '../../chaos/daemon.js'
import { makeTills, type TillIdentity, writeDaemonSetup } from '../../helpers/daemon-setup.js'
import { freePort } from '../../helpers/free-port.js'
import { buildFsyncSnapshotShim, cutPower, seedShadow, shadowFiles, shimEnv } from '../../helpers/power-cut.js'
import { useTempDir } from '../../helpers/temp-dir.js'

/**
 * A power cut, simulated: the daemon runs with an LD_PRELOAD shim that copies each journal file
 * aside after every successful fsync/fdatasync. Tills create payments and note which were
 * acknowledged (a `result` arrived); then SIGKILL, and every journal file is replaced by its
 * last synced copy (-shm removed), which is what a disk keeps when the power goes. After the
 * restart, every acknowledged payment must be there. The negative control runs the same with the
 * journal at synchronous NORMAL and must lose acknowledged payments: the test can fail.
 */

const shimDir = mkdtempSync(join(tmpdir(), 'tillbridge-shim-'))
const shim = buildFsyncSnapshotShim(shimDir)
afterAll(() => rmSync(shimDir, { recursive: true, force: true }))
if (!shim.ok) console.warn(`power-cut test skipped: ${shim.reason}`)

const tempDir = useTempDir('tillbridge-power-cut-')
const cleanup: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c()
})

interface Tally {
  acked: number
  lost: string[]
  integrity: string[]
  snapshots: number
}

/** Tills creating payments as fast as the daemon answers, until stopped; `acked` per till. */
async function startSelling(url: string, tills: TillIdentity[], prefix: string) {
  const acked = new Map<string, string[]>()
  let selling = true
  const clients = tills.map((t) => new TillClient({ url, token: t.token, requestTimeoutMs: 2000 }))
  await Promise.all(clients.map((c) => c.connect()))
  const loops = clients.map(async (client, i) => {
    const mine: string[] = []
    acked.set(tills[i]?.id as string, mine)
    for (let n = 0; selling; n++) {
      const key = `${prefix}-${n}`
      const phoneNumber = `4790${String(n % 100_000).padStart(5, '0')}0` // a customer who never acts
      try {
        const amount = { value: 1000 + n, currency: 'NOK' as const }
        await client.createPayment({ key, amount, flow: 'push', customer: { phoneNumber } })
        mine.push(key)
      } catch (err) {
        if (!(err instanceof TillClientError)) throw err
      }
    }
  })
  return {
    acked,
    /** After the kill: stop, and drop the connections. */
    async stop() {
      selling = false
      await Promise.all(clients.map((c) => c.close()))
      await Promise.all(loops)
    },
  }
}

/** Asks the restarted daemon for every acknowledged payment; returns those it does not know. */
async function missing(url: string, tills: TillIdentity[], acked: Map<string, string[]>): Promise<string[]> {
  const lost: string[] = []
  for (const till of tills) {
    const client = new TillClient({ url, token: till.token })
    await client.connect()
    for (const key of acked.get(till.id) ?? []) {
      try {
        await client.getPayment(key)
      } catch (err) {
        if (!(err instanceof TillClientError) || err.code !== 'NOT_FOUND') throw err
        lost.push(`${till.id}/${key}`)
      }
    }
    await client.close()
  }
  return lost
}

async function powerCuts(synchronous: 'full' | 'normal', cycles: number, seed: number): Promise<Tally> {
  if (!shim.ok) throw new Error(shim.reason)
  const rng = new Prng(seed)
  const dir = tempDir()
  const shadow = join(dir, 'shadow')
  const sim = new Simulator({ clock: createSystemClock(), log: createSilentLogger(), seed })
  await sim.start()
  cleanup.push(() => sim.stop())
  const tills = makeTills(4, 'till', seed)
  // No polling: the journal's traffic is the tills' accepts and the worker's creates.
  const payments = { pollFirstDelayMs: 600_000 }
  const setup = writeDaemonSetup({ dir, simulatorUrl: sim.baseUrl, gatewayPort: await freePort(), tills, payments })
  const env = {
    ...shimEnv(shim.path, dir, shadow),
    ...(synchronous === 'normal' ? { TILLBRIDGE_TEST_HOOKS: 'synchronous-normal' } : {}),
  }
  const daemon = new ChaosDaemon({ configFile: setup.configFile, env, logFile: join(dir, 'daemon.log') })
  cleanup.push(() => daemon.kill())

  // The migrated, cleanly closed journal is the durable starting point.
  await daemon.start()
  expect((await daemon.stop())?.code).toBe(0)
  seedShadow(setup.journal, shadow)

  const tally: Tally = { acked: 0, lost: [], integrity: [], snapshots: 0 }
  let unchecked = new Map<string, string[]>()
  for (let cycle = 0; cycle <= cycles; cycle++) {
    await daemon.start()
    tally.lost.push(...(await missing(setup.tillUrl, tills, unchecked)))
    const reader = new Database(setup.journal, { readonly: true })
    tally.integrity.push(String(reader.pragma('integrity_check', { simple: true })))
    reader.close()
    if (cycle === cycles) break
    const sellers = await startSelling(setup.tillUrl, tills, `c${cycle}`)
    await new Promise((resolve) => setTimeout(resolve, 400 + rng.int(800)))
    await daemon.kill() // mid-sale: requests are in flight
    await sellers.stop()
    unchecked = sellers.acked
    tally.acked += [...unchecked.values()].reduce((n, keys) => n + keys.length, 0)
    tally.snapshots = Math.max(tally.snapshots, shadowFiles(shadow).length)
    cutPower(setup.journal, shadow)
  }
  expect((await daemon.stop())?.code).toBe(0)
  return tally
}

describe.skipIf(!shim.ok || process.platform !== 'linux')('power cut (fsync-snapshot shim)', () => {
  it('keeps every acknowledged payment with synchronous=FULL', { timeout: 60_000 }, async () => {
    const tally = await powerCuts('full', 4, 101)
    expect(tally.snapshots).toBeGreaterThan(0)
    expect(tally.acked).toBeGreaterThan(100)
    expect(tally.lost).toEqual([])
    expect(tally.integrity).toEqual(['ok', 'ok', 'ok', 'ok', 'ok'])
  })

  it('negative control: with synchronous NORMAL acknowledged payments are lost', { timeout: 60_000 }, async () => {
    // NORMAL syncs the WAL only at checkpoints; a cut right after one loses nothing, so three cuts.
    const tally = await powerCuts('normal', 3, 202)
    expect(tally.acked).toBeGreaterThan(100)
    expect(tally.lost.length, `${tally.acked} acknowledged`).toBeGreaterThan(0)
    // Consistent, only not durable: what survives is a clean older state.
    expect(tally.integrity).toEqual(['ok', 'ok', 'ok', 'ok'])
  })
})
