import type { Currency } from '../vipps/types.js'
import type { SimSalesUnit } from './demo.js'
import { problems, VippsProblem } from './problem.js'
import type { CreatePaymentBody } from './schemas.js'
import { type Issue, isAt } from './validate.js'

/** Smallest amount per currency in minor units (6010 below it). */
export const MINIMUM_AMOUNT: Record<Currency, number> = { NOK: 100, DKK: 1, EUR: 1 }

const DAY_MS = 86_400_000

/** The Vipps code a malformed create body carries, when one field failure has its own code. */
export function createIssueCode(issues: readonly Issue[], body: unknown): string | undefined {
  const value = (body as { amount?: { value?: unknown } } | undefined)?.amount?.value
  if (typeof value === 'number' && !Number.isInteger(value)) return '4040'
  for (const issue of issues) {
    if (isAt(issue, 'customer', 'phoneNumber')) return '4070'
    if (isAt(issue, 'customer', 'personalQr')) return '4060'
    if (isAt(issue, 'customer', 'customerToken')) return '4050'
  }
  return undefined
}

/**
 * The rules of a create request beyond its shape, in the order Vipps reports them. Throws the
 * first refusal; `now` is simulator wall time.
 */
export function checkCreateRules(body: CreatePaymentBody, unit: SimSalesUnit, now: number): void {
  checkFlow(body)
  checkMetadata(body.metadata ?? undefined)
  if (!unit.paymentAllowed) {
    throw new VippsProblem(403, 'Forbidden', { detail: `Sales unit ${unit.msn} is not allowed to take payments` })
  }
  if (body.amount.currency !== unit.currency) {
    throw problems.rule('5040', 'Invalid currency for merchant', `Sales unit ${unit.msn} takes ${unit.currency}`)
  }
  if (body.userFlow === 'PUSH_MESSAGE' && !unit.skipLandingPageAllowed) {
    throw problems.rule('5080', 'PUSH_MESSAGE not allowed', `Sales unit ${unit.msn} is not approved for PUSH_MESSAGE`)
  }
  if (body.expiresAt) checkExpiresAt(body, unit, now)
  if (body.amount.value < MINIMUM_AMOUNT[body.amount.currency]) {
    throw problems.rule(
      '6010',
      'Amount too small',
      `The minimum is ${MINIMUM_AMOUNT[body.amount.currency]} minor units`,
    )
  }
}

function checkFlow(body: CreatePaymentBody): void {
  const redirect = body.userFlow === 'WEB_REDIRECT' || body.userFlow === 'NATIVE_REDIRECT'
  if (body.userFlow === 'PUSH_MESSAGE' && !body.customer) {
    throw missing('customer', 'customer is required when userFlow is PUSH_MESSAGE')
  }
  if (body.userFlow === 'WEB_REDIRECT' && !body.returnUrl) {
    throw missing('returnUrl', 'returnUrl is required when userFlow is WEB_REDIRECT')
  }
  for (const name of ['returnUrl', 'receiptUrl'] as const) {
    const url = body[name]
    if (url && !isAllowedReturnUrl(url)) {
      throw new VippsProblem(400, 'Invalid URL', {
        code: '4090',
        detail: `${name} must use https:// or a custom URL scheme`,
        fields: [{ name, reason: 'must use https:// or a custom URL scheme' }],
      })
    }
  }
  if (body.paymentMethod.type === 'CARD' && body.userFlow !== 'WEB_REDIRECT') {
    throw invalid('paymentMethod.type', 'CARD can only be used with userFlow WEB_REDIRECT')
  }
  if (body.qrFormat && body.userFlow !== 'QR') throw invalid('qrFormat', 'qrFormat is only allowed with userFlow QR')
  if (body.expiresAt && redirect) throw invalid('expiresAt', 'expiresAt needs userFlow PUSH_MESSAGE or QR')
}

function checkMetadata(metadata: Record<string, string> | undefined): void {
  if (!metadata) return
  const entries = Object.entries(metadata)
  if (entries.length > 5) throw problems.rule('4100', 'Metadata capacity exceeded', 'At most 5 metadata entries')
  for (const [key, value] of entries) {
    if (key.length > 100) throw problems.rule('4120', 'Metadata key length exceeded', 'Keys are at most 100 characters')
    if (value.length > 500) {
      throw problems.rule('4130', 'Metadata value length exceeded', 'Values are at most 500 characters')
    }
  }
}

function checkExpiresAt(body: CreatePaymentBody, unit: SimSalesUnit, now: number): void {
  if (!body.receipt) throw problems.rule('6130', 'Long living payments require a receipt')
  if (!unit.longLivingPaymentAllowed) {
    throw problems.rule(
      '5050',
      'Long-living payment not allowed',
      `Sales unit ${unit.msn} is not approved for expiresAt`,
    )
  }
  const at = Date.parse(body.expiresAt ?? '')
  if (!(at > now + 10 * 60_000)) throw problems.rule('6120', 'Expiration date is too soon')
  if (at > now + 28 * DAY_MS) throw problems.rule('6110', 'Expiration date is too late')
}

/** https:// or a custom app scheme (`myapp://…`), never plain http. */
function isAllowedReturnUrl(url: string): boolean {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase()
  return scheme !== undefined && scheme !== 'http' && (scheme !== 'https' || URL.canParse(url))
}

function missing(name: string, detail: string): VippsProblem {
  return new VippsProblem(400, 'Missing required parameter', {
    code: '4140',
    detail,
    fields: [{ name, reason: 'The field is required for this userFlow' }],
  })
}

function invalid(name: string, reason: string): VippsProblem {
  return problems.badRequest(reason, [{ name, reason }])
}
