import { describe, expect, it } from 'vitest'
import type { GetPaymentResponse, PaymentEvent } from '../../../src/vipps/types.js'
import { type SimulatorHarness, useSimulator, vippsCode } from '../../helpers/simulator.js'

const REF = 'ref-00000001'
const state = async (h: SimulatorHarness, ref = REF) =>
  (await h.vipps<GetPaymentResponse>('GET', `/epayment/v1/payments/${ref}`)).body.state
const phone = (last: string) => ({ customer: { phoneNumber: `479123456${last}` } })

describe('simulator: the customer, chosen by the last digit', () => {
  const sim = useSimulator({ approveDelayMs: 1500, expiryMs: 600_000 })

  it('1 approves after approveDelayMs, and the event carries that time', async () => {
    await sim().createPayment(phone('1'))
    sim().advance(1499)
    expect(await state(sim())).toBe('CREATED')
    sim().advance(1)
    expect(await state(sim())).toBe('AUTHORIZED')
    const events = (await sim().vipps<PaymentEvent[]>('GET', `/epayment/v1/payments/${REF}/events`)).body
    expect(Date.parse(events[1]?.timestamp ?? '') - Date.parse(events[0]?.timestamp ?? '')).toBe(1500)
  })

  it('2 rejects → ABORTED', async () => {
    await sim().createPayment(phone('2'))
    sim().advance(1500)
    expect(await state(sim())).toBe('ABORTED')
  })

  it('3 does nothing → EXPIRED after expiryMs', async () => {
    await sim().createPayment(phone('3'))
    sim().advance(599_999)
    expect(await state(sim())).toBe('CREATED')
    sim().advance(1)
    expect(await state(sim())).toBe('EXPIRED')
  })

  it('4 does not exist → create answers 400 with 7010 and creates nothing', async () => {
    const res = await sim().createPayment(phone('4'))
    expect(res.status).toBe(400)
    expect(vippsCode(res)).toBe('7010')
    expect((await sim().vipps('GET', `/epayment/v1/payments/${REF}`)).status).toBe(404)
  })

  it('5 approves, but only after 25 s', async () => {
    await sim().createPayment(phone('5'))
    sim().advance(24_999)
    expect(await state(sim())).toBe('CREATED')
    sim().advance(1)
    expect(await state(sim())).toBe('AUTHORIZED')
  })

  it('any other digit waits for the control API, then expires', async () => {
    await sim().createPayment(phone('7'), 'k1')
    await sim().createPayment({ ...phone('8'), reference: 'ref-00000002' }, 'k2')
    await sim().createPayment({ ...phone('9'), reference: 'ref-00000003' }, 'k3')
    sim().advance(599_000)
    expect(await state(sim())).toBe('CREATED')
    expect((await sim().control('POST', `/payments/${REF}/approve`)).status).toBe(200)
    expect((await sim().control('POST', '/payments/ref-00000002/reject')).status).toBe(200)
    expect((await sim().control('POST', '/payments/ref-00000003/expire')).status).toBe(200)
    expect(await state(sim())).toBe('AUTHORIZED')
    expect(await state(sim(), 'ref-00000002')).toBe('ABORTED')
    expect(await state(sim(), 'ref-00000003')).toBe('EXPIRED')
    sim().advance(10_000)
    expect(await state(sim())).toBe('AUTHORIZED')
    expect((await sim().control('POST', `/payments/${REF}/reject`)).status).toBe(409)
  })

  it('personalQr and customerToken follow the same rule on their last character', async () => {
    await sim().createPayment({ customer: { personalQr: 'https://qr.vipps.no/28/2/01/031/4791234567?v=2' } }, 'k1')
    await sim().createPayment({ reference: 'ref-00000002', customer: { customerToken: 'tok-abc-3' } }, 'k2')
    const unknown = await sim().createPayment({ reference: 'ref-00000003', customer: { customerToken: 'tok-4' } }, 'k3')
    expect(vippsCode(unknown)).toBe('7010')
    sim().advance(1500)
    expect(await state(sim())).toBe('ABORTED')
    expect(await state(sim(), 'ref-00000002')).toBe('CREATED')
    sim().advance(600_000)
    expect(await state(sim(), 'ref-00000002')).toBe('EXPIRED')
  })

  it('the test approve endpoint approves a waiting payment for its own customer only', async () => {
    await sim().createPayment(phone('0'))
    const approve = (phoneNumber: string) =>
      sim().vipps('POST', `/epayment/v1/test/payments/${REF}/approve`, { body: { customer: { phoneNumber } } })
    const wrong = await approve('4791234569')
    expect(wrong.status).toBe(400)
    expect(vippsCode(wrong)).toBe('10010')
    expect((await approve('4791234560')).status).toBe(200)
    expect(await state(sim())).toBe('AUTHORIZED')
    expect(vippsCode(await approve('4791234560'))).toBe('6230')
  })

  it('POST /_sim/clock moves the customer and the expiry without waiting', async () => {
    await sim().createPayment(phone('3'))
    const clock = await sim().control<{ now: string }>('POST', '/clock', { advanceMs: 600_000 })
    expect(clock.status).toBe(200)
    expect(Date.parse(clock.body.now)).toBe(sim().clock.now() + 600_000)
    expect(await state(sim())).toBe('EXPIRED')
  })
})

describe('simulator: QR payments', () => {
  const sim = useSimulator()
  const qr = (over: Record<string, unknown> = {}) => ({ userFlow: 'QR', customer: undefined, ...over })

  it('answer a redirectUrl to a QR image on the simulator and wait for a scan', async () => {
    const created = await sim().createPayment(qr())
    expect(created.status).toBe(201)
    const url = created.body.redirectUrl ?? ''
    expect(url.startsWith(`${sim().baseUrl}/_sim/qr/`)).toBe(true)
    const image = await fetch(url)
    expect(image.headers.get('content-type')).toBe('image/svg+xml')
    expect(await image.text()).toMatch(/^<svg/)
    sim().advance(60_000)
    expect(await state(sim())).toBe('CREATED')
    expect((await sim().control('POST', `/payments/${REF}/scan`)).status).toBe(200)
    expect(await state(sim())).toBe('AUTHORIZED')
  })

  it('serve PNG at the asked size, or give the target URL itself with TEXT/TARGETURL', async () => {
    const png = await sim().createPayment(qr({ qrFormat: { format: 'IMAGE/PNG', size: 200 } }), 'k1')
    const image = await fetch(png.body.redirectUrl ?? '')
    expect(image.headers.get('content-type')).toBe('image/png')
    expect(
      Buffer.from(await image.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG')
    const text = await sim().createPayment(
      qr({ reference: 'ref-00000002', qrFormat: { format: 'TEXT/TARGETURL' } }),
      'k2',
    )
    expect(text.body.redirectUrl).toMatch(/^https:\/\/qr\.simulator\.invalid\/v1\?token=[0-9a-f]{32}$/)
  })

  it('can be approved with the token from redirectUrl; scan is refused for a push payment', async () => {
    const created = await sim().createPayment(qr())
    const token = new URL(created.body.redirectUrl ?? '').pathname.split('/').pop()
    await sim().createPayment({ reference: 'ref-00000002' }, 'k2')
    expect((await sim().control('POST', '/payments/ref-00000002/scan')).status).toBe(400)
    const bad = await sim().vipps('POST', `/epayment/v1/test/payments/${REF}/approve`, { body: { token: 'nope' } })
    expect(vippsCode(bad)).toBe('10010')
    const ok = await sim().vipps('POST', `/epayment/v1/test/payments/${REF}/approve`, { body: { token } })
    expect(ok.status).toBe(200)
    expect(await state(sim())).toBe('AUTHORIZED')
  })
})

describe('simulator: QR payments with autoScanAfterMs', () => {
  const sim = useSimulator({ autoScanAfterMs: 4000 })

  it('are scanned and approved after autoScanAfterMs', async () => {
    await sim().createPayment({ userFlow: 'QR', customer: undefined })
    sim().advance(3999)
    expect(await state(sim())).toBe('CREATED')
    sim().advance(1)
    expect(await state(sim())).toBe('AUTHORIZED')
  })
})
