import { describe, expect, it } from 'vitest'
import { TillClient, TillClientError } from '../../../src/client/index.js'
import { createSilentLogger } from '../../../src/log/logger.js'
import { createSystemClock } from '../../../src/shared/clock.js'
import { Simulator } from '../../../src/simulator/simulator.js'
import { checkRun, type ViolationKind } from '../../chaos/check.js'
import { ChaosDaemon } from '../../chaos/daemon.js'
import { paymentId } from '../../chaos/records.js'
import { newSale } from '../../chaos/scenarios.js'
import { makeTills, writeDaemonSetup } from '../../helpers/daemon-setup.js'
import { freePort } from '../../helpers/free-port.js'
import { useTempDir } from '../../helpers/temp-dir.js'

/**
 * The chaos checker has teeth: a daemon built to answer a till before its COMMIT
 * (TILLBRIDGE_TEST_HOOKS=ack-before-commit) is killed right after answering, and the checker
 * reports the accepted payment as lost; the same steps on the real daemon lose nothing.
 */

const tempDir = useTempDir('tillbridge-self-check-')

async function acceptThenKill(hooks: string | undefined): Promise<ViolationKind[]> {
  const dir = tempDir()
  const sim = new Simulator({ clock: createSystemClock(), log: createSilentLogger() })
  await sim.start()
  const [till] = makeTills(1)
  if (!till) throw new Error('no till')
  const setup = writeDaemonSetup({ dir, simulatorUrl: sim.baseUrl, gatewayPort: await freePort(), tills: [till] })
  const daemon = new ChaosDaemon({ configFile: setup.configFile, env: hooks ? { TILLBRIDGE_TEST_HOOKS: hooks } : {} })
  const client = new TillClient({ url: setup.tillUrl, token: till.token, requestTimeoutMs: 5000 })
  try {
    await daemon.start()
    await client.connect()
    const sale = newSale(till.id, 'sale-1', 'paid', 4990)
    const accepted = await client.createPayment({
      key: sale.key,
      amount: { value: sale.amount, currency: 'NOK' },
      flow: 'push',
      customer: { phoneNumber: '4790000000' },
    })
    await daemon.kill() // at once: within the window a broken daemon leaves open
    sale.create = { outcome: 'answered', attempts: 1 }
    sale.reference = accepted.payment.reference
    await daemon.start()
    const final = await client.getPayment(sale.key).then(
      (r) => r.payment,
      (err: unknown) => {
        if (err instanceof TillClientError && err.code === 'NOT_FOUND') return undefined
        throw err
      },
    )
    const verdict = checkRun({
      payments: [sale],
      tills: [],
      finals: new Map([[paymentId(till.id, sale.key), final]]),
      ledger: [],
      unexpectedExits: [],
    })
    return verdict.map((v) => v.kind)
  } finally {
    await client.close()
    await daemon.kill()
    await sim.stop()
  }
}

describe('the chaos checker against a deliberately broken daemon', () => {
  it('reports the payment a daemon answered before COMMIT as lost', { timeout: 30_000 }, async () => {
    expect(await acceptThenKill('ack-before-commit')).toContain('lost')
  })

  it('reports nothing lost for the same steps on the real daemon', { timeout: 30_000 }, async () => {
    expect(await acceptThenKill(undefined)).not.toContain('lost')
  })
})
