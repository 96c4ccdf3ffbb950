import { afterEach, describe, expect, it } from 'vitest'
import { errorOf } from '../../helpers/error-of.js'
import { FakeEpayment } from '../../helpers/fake-epayment.js'
import { type PaymentsHarness, pushPayment, startPayments } from '../../helpers/payments-harness.js'
import { useTempDir } from '../../helpers/temp-dir.js'

const tempDir = useTempDir('tillbridge-limits-')
let h: PaymentsHarness | undefined
afterEach(async () => {
  await h?.stop()
  h = undefined
})

describe("Vipps' per-currency amount limits at the till", () => {
  it.each([
    [99, 'NOK', "amount.value: must be at least 100 for NOK (Vipps' minimum)"],
    [65_000_001, 'DKK', "amount.value: must be at most 65000000 for DKK (Vipps' maximum)"],
  ] as const)(
    '%i %s is refused with INVALID_MESSAGE naming the field; nothing is stored',
    async (value, currency, message) => {
      const provider = new FakeEpayment()
      h = await startPayments({ dir: tempDir(), provider })
      const err = await errorOf(
        h.engine.create('till-1', pushPayment('small', '4791234567', { amount: { value, currency } })),
      )
      expect(err).toMatchObject({ code: 'INVALID_MESSAGE', message })
      expect((await errorOf(Promise.resolve().then(() => h?.engine.get('till-1', 'small')))).code).toBe('NOT_FOUND')
      expect(h.engine.summary().byStatus).toEqual({})
    },
  )

  it('the limits themselves are accepted (100 øre NOK, 1 cent EUR)', async () => {
    h = await startPayments({ dir: tempDir(), provider: new FakeEpayment() })
    await h.engine.create('till-1', pushPayment('nok', '4791234567', { amount: { value: 100, currency: 'NOK' } }))
    await h.engine.create('till-1', pushPayment('eur', '4791234567', { amount: { value: 1, currency: 'EUR' } }))
    expect(h.engine.get('till-1', 'eur').amount).toEqual({ value: 1, currency: 'EUR' })
  })
})
