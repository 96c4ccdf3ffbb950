import type { SalesUnit } from '../vipps/types.js'
import type { SimCredentialSet } from './demo.js'
import { checkSystemHeaders } from './guards.js'
import { type Answer, header, json, parseJsonBody, type SimRequest } from './http-io.js'
import { problems } from './problem.js'
import type { Router } from './router.js'
import { MSN_PATTERN, webhookRegisterSchema } from './schemas.js'
import type { SimState } from './sim-state.js'
import { parseBody } from './validate.js'

/** The Management spec types its 200 answers with this exact media type. */
const MANAGEMENT_JSON = 'application/json;charset=UTF-8'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Management v1 (one sales unit, for `doctor`) and Webhooks v1 (register, list, delete). */
export function addMerchantRoutes(router: Router, state: SimState): void {
  // Vipps offers the Management API on the production host only.
  if (state.options.environment === 'production') {
    router.add('GET', '/management/v1/sales-units/{msn}', (req) => getSalesUnit(state, req))
  }
  router
    .add('POST', '/webhooks/v1/webhooks', (req) => registerWebhook(state, req))
    .add('GET', '/webhooks/v1/webhooks', (req) => {
      const { credentials, msns } = webhookCaller(state, req)
      const webhooks = state.webhooks
        .list(credentials.subscriptionKey, msns)
        .map(({ id, url, events }) => ({ id, url, events }))
      return json(200, { webhooks })
    })
    .add('DELETE', '/webhooks/v1/webhooks/{id}', (req) => {
      const { credentials } = webhookCaller(state, req)
      const id = req.params.id ?? ''
      if (!UUID.test(id)) throw problems.badRequest('The id must be a UUID', [{ name: 'id', reason: 'not a UUID' }])
      if (!state.webhooks.delete(credentials.subscriptionKey, id)) throw problems.notFound(`No webhook with id ${id}`)
      return { status: 204 }
    })
}

/** 404 also when the keys have no access to the unit: Vipps says 404 means "not active for you". */
function getSalesUnit(state: SimState, req: SimRequest): Answer {
  const credentials = state.tokens.authenticate(req)
  checkSystemHeaders(req)
  const msn = req.params.msn ?? ''
  if (!/^\d{3,}$/.test(msn)) throw problems.badRequest('The MSN is not valid', [{ name: 'msn', reason: 'digits only' }])
  const unit = state.salesUnits.get(msn)
  if (!unit || !credentials.msns.includes(msn))
    throw problems.notFound(`Sales unit ${msn} is not active for these keys`)
  const body: SalesUnit = {
    msn: unit.msn,
    name: unit.name,
    businessIdentifier: { ...unit.businessIdentifier },
    configuration: {
      paymentAllowed: unit.paymentAllowed,
      captureType: unit.captureType,
      skipLandingPageAllowed: unit.skipLandingPageAllowed,
      recurringAllowed: unit.recurringAllowed,
    },
  }
  return json(200, body, MANAGEMENT_JSON)
}

function registerWebhook(state: SimState, req: SimRequest): Answer {
  const { credentials, msns } = webhookCaller(state, req)
  const body = parseBody(webhookRegisterSchema, parseJsonBody(req))
  const registration = state.webhooks.register(credentials.subscriptionKey, msns, body.url, body.events)
  return json(201, { id: registration.id, secret: registration.secret })
}

/**
 * The Merchant-Serial-Number header is optional on Webhooks: with it the registration is for that
 * sales unit; without it, for every unit the keys reach (partner style).
 */
function webhookCaller(state: SimState, req: SimRequest): { credentials: SimCredentialSet; msns: string[] } {
  const credentials = state.tokens.authenticate(req)
  checkSystemHeaders(req)
  const msn = header(req, 'merchant-serial-number')
  if (msn === undefined) return { credentials, msns: credentials.msns }
  if (!MSN_PATTERN.test(msn)) {
    throw problems.badRequest('Merchant-Serial-Number must be 4 to 7 digits', [
      { name: 'Merchant-Serial-Number', reason: `must match ${MSN_PATTERN.source}` },
    ])
  }
  if (!credentials.msns.includes(msn)) throw problems.unauthorized(`These API keys cannot act for ${msn}`)
  return { credentials, msns: [msn] }
}
