import type { CallOptions } from '../../vipps/api.js'
import type { VippsClients } from '../../vipps/clients.js'
import { ProviderError } from '../../vipps/errors.js'
import type { SalesUnit } from '../../vipps/types.js'
import { type CheckResult, fail, pass, skip, warn } from './check.js'

/** Bounded so doctor answers within seconds when Vipps cannot be reached. */
const CALL_OPTIONS: CallOptions = { deadlineMs: 15_000 }

/**
 * One access token per credential set. A refusal names the set, never a key: the error comes
 * from the token manager, which never puts keys in messages.
 */
export async function checkTokens(clients: VippsClients, baseUrl: string): Promise<Map<string, CheckResult>> {
  const results = new Map<string, CheckResult>()
  for (const set of clients.credentialSets()) {
    try {
      await clients.checkToken(set)
      const left = clients.health.tokenSecondsLeft()[set]
      results.set(
        set,
        pass('token', `credential set "${set}": access token fetched (valid ${left ?? '?'} s)`, { subject: set }),
      )
    } catch (err) {
      results.set(set, tokenFailure(set, err, baseUrl))
    }
  }
  return results
}

function tokenFailure(set: string, err: unknown, baseUrl: string): CheckResult {
  const e = err instanceof ProviderError ? err : undefined
  const status = e?.cause instanceof ProviderError ? e.cause.status : e?.status
  const http = status === undefined ? '' : ` (HTTP ${status})`
  if (e?.code === 'PROVIDER_UNAUTHORIZED') {
    return fail(
      'token',
      `Vipps refused the keys of credential set "${set}"${http}`,
      `check clientId, clientSecret and subscriptionKey of "${set}" in the portal; test keys work only ` +
        `with https://apitest.vipps.no and production keys only with https://api.vipps.no (provider.baseUrl is ${baseUrl})`,
      { subject: set },
    )
  }
  const reason = innermostReason(err)
  return fail(
    'token',
    `no access token for credential set "${set}": ${reason}`,
    `check that this machine reaches ${baseUrl} (DNS, firewall, proxy, HTTPS on port 443)`,
    { subject: set },
  )
}

/**
 * The sales unit's settings from the Management API: payments allowed, push messages allowed
 * (skipLandingPageAllowed), and reserve capture.
 */
export async function checkSalesUnit(
  clients: VippsClients,
  msn: string,
  tokenResult: CheckResult | undefined,
  environment: 'test' | 'production' = 'production',
): Promise<CheckResult[]> {
  const subject = msn
  if (environment !== 'production') {
    return [
      skip(
        'sales-unit',
        `MSN ${msn}: Management checks skipped: Vipps offers the Management API in production only, and this is the test environment`,
        { subject },
      ),
    ]
  }
  if (tokenResult && tokenResult.status !== 'pass') {
    return [skip('sales-unit', `MSN ${msn}: not checked, no access token for "${tokenResult.subject}"`, { subject })]
  }
  let unit: SalesUnit
  try {
    unit = await clients.merchant(msn).getSalesUnit(CALL_OPTIONS)
  } catch (err) {
    return [salesUnitFailure(msn, err)]
  }
  const c = unit.configuration
  const name = `MSN ${msn} ("${unit.name}")`
  return [
    c.paymentAllowed
      ? pass('payments-allowed', `${name}: payments allowed`, { subject })
      : fail(
          'payments-allowed',
          `${name}: payments are NOT allowed`,
          `ask Vipps MobilePay (partner manager or customer service) to activate sales unit ${msn} for payments`,
          { subject },
        ),
    c.skipLandingPageAllowed
      ? pass('push-allowed', `${name}: push messages allowed (skipLandingPageAllowed)`, { subject })
      : warn(
          'push-allowed',
          `${name}: push messages are not allowed (skipLandingPageAllowed is false); phone-number and scanned-QR payments fail with 5080`,
          `ask Vipps MobilePay to enable the PUSH_MESSAGE user flow (skip landing page) for MSN ${msn}; ` +
            'meanwhile the QR flow (`flow: "qr"`, the QR shown on the till) works',
          { subject },
        ),
    captureTypeResult(name, msn, c.captureType),
  ]
}

function captureTypeResult(name: string, msn: string, captureType: string): CheckResult {
  const subject = msn
  if (captureType === 'ReserveCapture') return pass('capture-type', `${name}: capture type ReserveCapture`, { subject })
  const fix =
    `ask Vipps MobilePay to set sales unit ${msn} to ReserveCapture: tillbridge reserves, then captures at ` +
    'once (in-store) or after delivery (vending); ePayment has no direct capture. The same API keys ' +
    '(eCom keys too) keep working with ePayment'
  const why = captureType === 'DirectCapture' ? 'an eCom-era setting' : 'not a capture type ePayment payments use'
  return warn('capture-type', `${name}: capture type ${captureType} (${why})`, fix, { subject })
}

function salesUnitFailure(msn: string, err: unknown): CheckResult {
  const subject = msn
  const e = err instanceof ProviderError ? err : undefined
  const facts = e ? [e.status ? `HTTP ${e.status}` : '', e.traceId ? `traceId ${e.traceId}` : ''].filter(Boolean) : []
  const tail = facts.length > 0 ? ` (${facts.join(', ')})` : ''
  if (e?.code === 'PROVIDER_NOT_FOUND') {
    return fail(
      'sales-unit',
      `MSN ${msn} is not active for these keys${tail}`,
      `check the MSN in provider.salesUnits; if it is right, ask Vipps MobilePay why sales unit ${msn} is inactive or not connected to these API keys`,
      { subject },
    )
  }
  if (e?.code === 'PROVIDER_UNAUTHORIZED' && e.status === 403) {
    return warn(
      'sales-unit',
      `the Management API refused to show MSN ${msn}${tail}; its settings were not checked`,
      'these keys may not reach the Management API: check "payments allowed", PUSH_MESSAGE and ReserveCapture for the unit in the business portal',
      { subject },
    )
  }
  return fail(
    'sales-unit',
    `cannot read sales unit ${msn}: ${err instanceof Error ? err.message : String(err)}`,
    'check that this machine reaches Vipps (DNS, firewall, proxy) and run doctor again',
    { subject },
  )
}

/** The deepest message in the cause chain: "network error on accessToken" says less than "bad port". */
function innermostReason(err: unknown): string {
  let message = err instanceof Error ? err.message : String(err)
  let current: unknown = err
  for (let depth = 0; depth < 6 && current instanceof Error; depth++) {
    if (current.message && current.message !== 'fetch failed') message = current.message
    current = current.cause
  }
  return message
}
