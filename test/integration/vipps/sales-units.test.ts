import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { App } from '../../../src/app/app.js'
import { createContext } from '../../../src/app/context.js'
import { configSchema } from '../../../src/config/schema.js'
import { loadSecrets, sha256Hex } from '../../../src/config/secrets.js'
import { createSilentLogger } from '../../../src/log/logger.js'
import { defaultSalesUnit, demoCredentialSet } from '../../../src/simulator/demo.js'
import { useSimulator } from '../../helpers/simulator.js'
import { useTempDir } from '../../helpers/temp-dir.js'

/**
 * Two shops in one daemon: each till is bound to its own sales unit, each unit to its own API
 * keys. A payment must go to Vipps under its till's MSN with a token from that unit's keys.
 */

const tempDir = useTempDir()
const SHOP_B = {
  clientId: '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e',
  clientSecret: 'shop-b-client-secret',
  subscriptionKey: 'shop-b-subscription-key',
  msns: ['234567'],
}
const sim = useSimulator({
  credentials: [demoCredentialSet(), SHOP_B],
  salesUnits: [defaultSalesUnit(), defaultSalesUnit('234567')],
  rateLimitScale: 0,
})

describe('tills bound to different sales units', () => {
  it('send each payment under its own MSN with a token from its own keys', async () => {
    const dir = tempDir()
    const secret = (name: string, value: string) => {
      writeFileSync(join(dir, name), value, { mode: 0o600 })
      return { file: join(dir, name) }
    }
    const keys = (name: string, set: { clientId: string; clientSecret: string; subscriptionKey: string }) => ({
      name,
      clientId: secret(`${name}-id`, set.clientId),
      clientSecret: secret(`${name}-secret`, set.clientSecret),
      subscriptionKey: secret(`${name}-key`, set.subscriptionKey),
    })
    const demo = demoCredentialSet()
    const config = configSchema.parse({
      journal: { path: join(dir, 'j.db') },
      admin: { enabled: false },
      gateway: {
        port: 0,
        tills: [
          { id: 'shop-a-till', tokenSha256: sha256Hex('a'.repeat(32)), msn: '123456' },
          { id: 'shop-b-till', tokenSha256: sha256Hex('b'.repeat(32)), msn: '234567' },
        ],
      },
      provider: {
        kind: 'vipps',
        baseUrl: sim().baseUrl,
        credentialSets: [keys('shop-a', demo), keys('shop-b', SHOP_B)],
        salesUnits: [
          { msn: '123456', credentialSet: 'shop-a' },
          { msn: '234567', credentialSet: 'shop-b' },
        ],
      },
    })
    const app = new App(createContext(config, loadSecrets(config, {}), { log: createSilentLogger() }))
    await app.start()
    try {
      const pay = (till: string, key: string) =>
        app.context.payments.create(till, {
          key,
          amount: { value: 1000, currency: 'NOK' },
          flow: 'push',
          customer: { phoneNumber: '4791234563' },
          capture: 'auto',
        })
      const a = await pay('shop-a-till', 'sale-a')
      const b = await pay('shop-b-till', 'sale-b')
      await expect.poll(() => creates().length, { timeout: 10_000 }).toBe(2)

      // Which keys each token was issued to, as the simulator's token endpoint saw it.
      const tokenOwner = new Map<string, string>()
      for (const e of sim().exchanges.filter((x) => x.path === '/accesstoken/get' && x.status === 200)) {
        tokenOwner.set(JSON.parse(e.responseText).access_token, String(e.requestHeaders.client_id))
      }
      const sent = creates().map((e) => ({
        reference: JSON.parse(e.requestBody).reference,
        msn: e.requestHeaders['merchant-serial-number'],
        keysOf: tokenOwner.get(String(e.requestHeaders.authorization).replace(/^Bearer /, '')),
        subscriptionKey: e.requestHeaders['ocp-apim-subscription-key'],
      }))
      expect(sent).toEqual(
        expect.arrayContaining([
          {
            reference: a.payment.reference,
            msn: '123456',
            keysOf: demo.clientId,
            subscriptionKey: demo.subscriptionKey,
          },
          {
            reference: b.payment.reference,
            msn: '234567',
            keysOf: SHOP_B.clientId,
            subscriptionKey: SHOP_B.subscriptionKey,
          },
        ]),
      )
      expect(sent).toHaveLength(2)
    } finally {
      await app.stop()
    }
  })
})

function creates() {
  return sim().exchanges.filter((e) => e.method === 'POST' && e.path === '/epayment/v1/payments' && e.status === 201)
}
