import { describe, expect, it } from 'vitest'
import { useOpsDaemon } from '../../helpers/ops-daemon.js'
import { useSimulator } from '../../helpers/simulator.js'
import { useTempDir } from '../../helpers/temp-dir.js'

/**
 * The whole daemon (gateway, engine, journal, Vipps client) against the simulator, driven by a
 * till over the WebSocket with the client library: a MobilePay personal-QR sale, and an
 * age-restricted sale allowed and refused. Every answer of the simulator is checked against the
 * official OpenAPI files (useSimulator), the QR API's included.
 */

const tempDir = useTempDir('tillbridge-instore-daemon-')
const sim = useSimulator({ rateLimitScale: 0 })
const startDaemon = useOpsDaemon(sim)

async function approve(reference: string): Promise<void> {
  const r = await sim().control('POST', `/payments/${reference}/approve`)
  expect(r.status, r.text).toBeLessThan(300)
}

describe('in-store sales through the daemon', () => {
  it('a scanned MobilePay personal QR: exchanged, then paid by the number behind it', async () => {
    const d = await startDaemon(tempDir())
    const till = await d.till('till-1')
    const issued = await sim().control<{ qrCode: string }>('POST', '/personal-qr', { phoneNumber: '4790000300' })
    const { payment } = await till.createPayment({
      key: 'scan-1',
      amount: { value: 4990, currency: 'NOK' },
      flow: 'push',
      customer: { personalQr: issued.body.qrCode },
    })
    await till.waitFor('scan-1', 'pending', 10_000)
    await approve(payment.reference)
    expect(await till.waitFor('scan-1', 'captured', 10_000)).toMatchObject({ captured: 4990 })
    const atVipps = (await sim().control<{ payments: Array<{ customer: unknown }> }>('GET', '/payments')).body
    expect(atVipps.payments).toEqual([expect.objectContaining({ customer: { phoneNumber: '4790000300' } })])
    const paths = (await sim().control<{ requests: Array<{ path: string }> }>('GET', '/requests')).body.requests.map(
      (r) => r.path,
    )
    expect(paths.indexOf('/qr/v1/exchange')).toBeLessThan(paths.indexOf('/epayment/v1/payments'))
  })

  it('an age-restricted sale: a customer of 25 pays, one of 17 is refused with 7010 and nothing else', async () => {
    const d = await startDaemon(tempDir())
    const till = await d.till('till-1')
    const sale = (key: string, phoneNumber: string) =>
      till.createPayment({
        key,
        amount: { value: 8900, currency: 'NOK' },
        flow: 'push',
        customer: { phoneNumber },
        minimumUserAge: 18,
      })
    const { payment } = await sale('beer-ok', '4790000250')
    await till.waitFor('beer-ok', 'pending', 10_000)
    await approve(payment.reference)
    await till.waitFor('beer-ok', 'captured', 10_000)
    await sale('beer-no', '4790000170')
    const refused = await till.waitFor('beer-no', 'failed', 10_000)
    // Exactly what Vipps says about an unknown customer: the till learns nothing about age.
    expect(refused.failure).toEqual({ code: '7010', message: 'Customer not found' })
  })
})
