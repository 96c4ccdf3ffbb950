import { describe, expect, it } from 'vitest'
import { maskPhone, Redactor } from '../../../src/log/redact.js'
import { TillbridgeError } from '../../../src/shared/errors.js'
import { captureLogger } from '../../helpers/capture-log.js'

const CANARY = {
  clientSecret: 'canary-client-secret-7f3a9',
  subscriptionKey: 'canary-subkey-91c2e0',
  bearer: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJlLWNhbmFyeQ',
  tillToken: 'canary-till-token-5d1b',
  phone: '4791234567',
}

function canaryLogger() {
  const redactor = new Redactor()
  redactor.addSecrets([CANARY.clientSecret, CANARY.subscriptionKey, CANARY.tillToken])
  return captureLogger(redactor)
}

function expectNoCanary(text: string) {
  for (const value of Object.values(CANARY)) expect(text).not.toContain(value)
}

describe('log redaction', () => {
  it('masks canaries in messages', () => {
    const { log, text } = canaryLogger()
    log.info(`token Bearer ${CANARY.bearer} secret ${CANARY.clientSecret} key ${CANARY.subscriptionKey}`)
    log.info(`till ${CANARY.tillToken} called from +${CANARY.phone}`)
    expectNoCanary(text())
    expect(text()).toContain('Bearer [REDACTED]')
    expect(text()).toContain('+********67')
  })

  it('keeps identifiers whole: digits inside a traceId, a UUID or a reference are not a phone number', () => {
    const { log, text } = canaryLogger()
    const traceId = '00-4bf92f3577b34da6a3ce929d0e0e4736-1234567890123456-01'
    const uuid = '123e4567-e89b-12d3-a456-426614174000'
    log.warn(`Vipps said 500 (traceId ${traceId}, request ${uuid}) for +${CANARY.phone}`, {
      traceId: '4791234567001',
      reference: 'tb-4791234567',
      ref: '12345678901',
      note: `call ${CANARY.phone} or 0047${CANARY.phone}`,
    })
    const line = JSON.parse(text())
    expect(line.message).toContain(traceId)
    expect(line.message).toContain(uuid)
    expect(line.message).toContain('+********67')
    expect(line.traceId).toBe('4791234567001')
    expect(line.reference).toBe('tb-4791234567')
    expect(line.ref).toBe('12345678901')
    expect(line.note).toBe('call ********67 or ************67')
  })

  it('cuts a value nested deeper than 32 levels instead of recursing on', () => {
    const { log, text } = canaryLogger()
    let deep: Record<string, unknown> = { phoneNumber: CANARY.phone }
    for (let i = 0; i < 5000; i++) deep = { a: deep }
    log.info('deep', { deep })
    expect(text()).toContain('[Too deep]')
    expectNoCanary(text())
  })

  it('masks canaries in nested metadata, by value and by key name', () => {
    const { log, text } = canaryLogger()
    log.warn('request', {
      headers: { Authorization: `Bearer ${CANARY.bearer}`, 'Ocp-Apim-Subscription-Key': 'unregistered-key-x1' },
      body: { customer: { phoneNumber: CANARY.phone }, deep: [{ note: `secret=${CANARY.clientSecret}` }] },
      till: { token: CANARY.tillToken },
      access_token: 'another-unregistered-token',
    })
    const out = text()
    expectNoCanary(out)
    expect(out).not.toContain('unregistered-key-x1')
    expect(out).not.toContain('another-unregistered-token')
    expect(JSON.parse(out).body.customer.phoneNumber).toBe('********67')
  })

  it('masks canaries inside thrown errors, their details and causes', () => {
    const { log, text } = canaryLogger()
    const cause = new Error(`upstream said Bearer ${CANARY.bearer}`)
    const err = new TillbridgeError('PROVIDER_REJECTED', `rejected phone ${CANARY.phone}`, {
      cause,
      details: { clientSecret: CANARY.clientSecret, echo: CANARY.subscriptionKey },
    })
    log.error('call failed', { err })
    log.error(new Error(`bad till token ${CANARY.tillToken}`))
    const out = text()
    expectNoCanary(out)
    expect(out).toContain('PROVIDER_REJECTED')
    expect(out).toContain('upstream said Bearer [REDACTED]')
  })

  it('leaves short digit runs such as support references and amounts readable', () => {
    expect(new Redactor().redactText('internal error (ref 12345678), amount 12550')).toBe(
      'internal error (ref 12345678), amount 12550',
    )
  })

  it('keeps the last two digits of a phone number', () => {
    expect(maskPhone('4791234567')).toBe('********67')
    expect(maskPhone('+4791234567')).toBe('+********67')
  })
})
