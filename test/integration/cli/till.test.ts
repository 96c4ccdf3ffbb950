import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { DEMO_TOKEN, PAY_EXIT, parseAmount } from '../../../src/cli/till.js'
import type { PaymentView } from '../../../src/payments/types.js'
import { TOKENS, useGateway } from '../../helpers/gateway-harness.js'
import { MemoryPayments } from '../../helpers/memory-payments.js'
import { runCliCaptured } from '../../helpers/run-cli.js'

const startGateway = useGateway()

/** Plays Vipps and the customer: each new payment walks through `steps`, 20 ms apart. */
function autopilot(payments: MemoryPayments, steps: (p: PaymentView) => Array<Partial<PaymentView>>): void {
  payments.onEvent((tillId, event) => {
    if (event.payment.status !== 'queued') return
    const key = event.payment.key
    steps(event.payment).forEach((patch, i) => {
      setTimeout(() => payments.advance(tillId, key, patch), 20 * (i + 1))
    })
  })
}

const pending = { status: 'pending' as const }
const authorized = { status: 'authorized' as const }

describe('tillbridge till', () => {
  it('till add prints a fresh token once and the config entry with its SHA-256', async () => {
    const runs = [await runCliCaptured(['till', 'add', 'till-7']), await runCliCaptured(['till', 'add', 'till-7'])]
    const tokens = runs.map(({ code, stdout }) => {
      expect(code).toBe(0)
      const token = /^ {2}([A-Za-z0-9_-]{43})$/m.exec(stdout)?.[1] ?? ''
      const entry = JSON.parse(/^ {2}(\{.*\})$/m.exec(stdout)?.[1] ?? '{}')
      expect(entry).toEqual({ id: 'till-7', tokenSha256: createHash('sha256').update(token).digest('hex') })
      return token
    })
    expect(tokens[0]).not.toEqual(tokens[1])
    expect((await runCliCaptured(['till', 'add', 'bad name'])).code).toBe(64)
  })

  it('parses amounts in major units with at most two decimals', () => {
    expect([parseAmount('125.50'), parseAmount('125.5'), parseAmount('3'), parseAmount('0.01')]).toEqual([
      12550, 12550, 300, 1,
    ])
    for (const bad of ['0', '0.00', '1.234', '-5', '1,50', '', '1e3']) expect(() => parseAmount(bad)).toThrow(/AMOUNT/)
  })

  it('till pay --phone shows the progress and exits 0 once captured', async () => {
    const payments = new MemoryPayments()
    autopilot(payments, (p) => [pending, authorized, { status: 'captured', captured: p.amount.value }])
    const { url } = await startGateway({ payments })
    const run = await runCliCaptured([
      'till',
      'pay',
      '125.50',
      '--phone',
      '4791234561',
      '--url',
      url,
      '--token',
      TOKENS['till-a'],
    ])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(PAY_EXIT.OK)
    expect(run.stdout).toMatch(
      /125\.50 NOK by push[\s\S]*queued[\s\S]*pending[\s\S]*authorized[\s\S]*captured: 125\.50 NOK taken/,
    )
    const key = /sale (demo-[\w-]+)/.exec(run.stdout)?.[1] ?? ''
    expect(payments.get('till-a', key)).toMatchObject({ amount: { value: 12550, currency: 'NOK' }, capture: 'auto' })
  })

  it('till pay --qr draws the QR code in the terminal', async () => {
    const payments = new MemoryPayments()
    const qr = { url: 'https://qr.example/pay/abc' }
    autopilot(payments, (p) => [
      { status: 'pending', qr },
      { status: 'captured', captured: p.amount.value },
    ])
    const { url } = await startGateway({ payments })
    const run = await runCliCaptured(['till', 'pay', '10', '--qr', '--url', url, '--token', TOKENS['till-a']])
    expect(run.code).toBe(PAY_EXIT.OK)
    expect(run.stdout).toContain('https://qr.example/pay/abc')
    expect(run.stdout).toMatch(/[▀▄█]{10}/)
  })

  it('till pay --manual exits 0 at authorized and leaves the capture to the till', async () => {
    const payments = new MemoryPayments()
    autopilot(payments, () => [pending, authorized])
    const { url } = await startGateway({ payments })
    const run = await runCliCaptured([
      'till',
      'pay',
      '5',
      '--phone',
      '4791234561',
      '--manual',
      '--url',
      url,
      '--token',
      TOKENS['till-a'],
    ])
    expect(run.code).toBe(PAY_EXIT.OK)
    expect(run.stdout).toContain('must now capture')
  })

  it('till pay exits 2 when the customer declines, naming the failure', async () => {
    const payments = new MemoryPayments()
    autopilot(payments, () => [
      pending,
      { status: 'declined', failure: { code: 'USER_REJECTED', message: 'rejected in app' } },
    ])
    const { url } = await startGateway({ payments })
    const run = await runCliCaptured([
      'till',
      'pay',
      '5',
      '--phone',
      '4791234562',
      '--url',
      url,
      '--token',
      TOKENS['till-a'],
    ])
    expect(run.code).toBe(PAY_EXIT.NOT_PAID)
    expect(run.stdout).toContain('declined: USER_REJECTED rejected in app')
  })

  it('till pay exits 1 with the protocol code when the token is refused, and 64 for bad usage', async () => {
    const { url } = await startGateway()
    const refused = await runCliCaptured(['till', 'pay', '5', '--qr', '--url', url])
    expect(DEMO_TOKEN).toBe('tillbridge-demo-till-token')
    expect(refused.code).toBe(PAY_EXIT.ERROR)
    expect(refused.stderr).toContain('UNAUTHENTICATED')
    expect((await runCliCaptured(['till', 'pay', '5', '--url', url])).code).toBe(64)
    expect((await runCliCaptured(['till', 'pay', '5', '--qr', '--phone', '4791234561'])).code).toBe(64)
    expect((await runCliCaptured(['till', 'pay', '5', '--qr', '--currency', 'SEK'])).code).toBe(64)
  })

  it('till pay cancels the payment when interrupted', async () => {
    const payments = new MemoryPayments()
    autopilot(payments, () => [pending])
    const { url } = await startGateway({ payments })
    const interrupt = new AbortController()
    payments.onEvent((_till, event) => {
      if (event.payment.status === 'pending') setTimeout(() => interrupt.abort('SIGINT'), 10)
    })
    const argv = ['till', 'pay', '5', '--phone', '4791234567', '--url', url, '--token', TOKENS['till-a']]
    const run = await runCliCaptured(argv, {}, interrupt.signal)
    expect(run.code).toBe(PAY_EXIT.INTERRUPTED)
    expect(run.stdout).toContain('cancelled')
  })
})
