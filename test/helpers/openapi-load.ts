// The OpenAPI documents are untyped YAML walked generically, hence `any` here (biome.json override).
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'

/**
 * Loads the official Vipps OpenAPI files (never copied into the project) and corrects the known
 * errata of the saved copies, each of which would otherwise refuse something real Vipps sends or
 * accepts (../shared/research/README.md lists them). Every correction is named here.
 */

export const SPEC_DIR =
  process.env.VIPPS_OPENAPI_DIR ?? resolve(fileURLToPath(new URL('../../../shared/vipps-openapi', import.meta.url)))

export interface SpecDoc {
  id: string
  /** Path prefix from the spec's server URL (`/webhooks` for the Webhooks API). */
  basePath: string
  doc: Record<string, any>
}

const FILES = [
  { id: 'epayment', file: 'epayment-v1.yaml', basePath: '' },
  { id: 'accesstoken', file: 'access-token.yaml', basePath: '' },
  { id: 'webhooks', file: 'webhooks-v1.yaml', basePath: '/webhooks' },
  { id: 'management', file: 'management-v1.yaml', basePath: '' },
  { id: 'qr', file: 'qr-v1.yaml', basePath: '/qr' },
] as const

const RECEIPT_REMOTE_REF =
  'https://raw.githubusercontent.com/vippsas/vipps-order-management-api/2.3.24/docs/swagger.yaml#/components/schemas/Receipt'

export function specAvailable(): boolean {
  return FILES.every((f) => existsSync(join(SPEC_DIR, f.file)))
}

export function loadSpecs(): { specs: SpecDoc[]; orderManagement: Record<string, any> } {
  const read = (file: string) => parseYaml(readFileSync(join(SPEC_DIR, file), 'utf8')) as Record<string, any>
  const specs = FILES.map((f) => ({ id: f.id, basePath: f.basePath, doc: openApiToJsonSchema(read(f.file)) }))
  const orderManagement = openApiToJsonSchema(read('order-management-2.3.24.yaml'))
  const epayment = specs.find((s) => s.id === 'epayment')?.doc
  const token = specs.find((s) => s.id === 'accesstoken')?.doc
  if (epayment) fixEpayment(epayment)
  if (token) fixAccessToken(token)
  return { specs, orderManagement }
}

function fixEpayment(doc: Record<string, any>): void {
  const schemas = doc.components.schemas
  // Erratum 1: Customer is a oneOf of three schemas none of which has `required`, so any customer
  // matches all three and fails oneOf. Meant: exactly one of the three identifiers.
  schemas.Customer = {
    ...schemas.Customer,
    oneOf: [
      { allOf: [{ $ref: '#/components/schemas/CustomerPhoneNumber' }], required: ['phoneNumber'] },
      { allOf: [{ $ref: '#/components/schemas/PersonalQrCode' }], required: ['personalQr'] },
      { allOf: [{ $ref: '#/components/schemas/CustomerToken' }], required: ['customerToken'] },
    ],
    maxProperties: 1,
  }
  // Erratum 2: cancel (1.4.1) has no request body; the current API takes {"cancelTransactionOnly": bool}.
  const cancel = doc.paths['/epayment/v1/payments/{reference}/cancel'].post
  cancel.requestBody = {
    required: false,
    content: {
      'application/json': {
        schema: {
          type: 'object',
          properties: { cancelTransactionOnly: { type: 'boolean' } },
          additionalProperties: false,
        },
      },
    },
  }
  // Erratum 6: PaymentEvent requires `paymentAction`, a property it does not define; the event's
  // name is `name` (as in WebhookEvent, the docs and every real event log).
  schemas.PaymentEvent.required = schemas.PaymentEvent.required.map((r: string) => (r === 'paymentAction' ? 'name' : r))
  // Erratum 7: `minimumUserAge` (technical update Nov 2024) is newer than the saved 1.4.1 file, whose
  // CreatePaymentRequest would let any value through; the documented field is an integer of years.
  schemas.CreatePaymentRequest.properties.minimumUserAge = { type: 'integer', minimum: 1 }
  // The receipt schema comes by a remote $ref; resolve it to the local Order Management 2.3.24 file.
  rewriteRefs(doc, (ref) => (ref === RECEIPT_REMOTE_REF ? 'order-management.json#/components/schemas/Receipt' : ref))
}

function fixAccessToken(doc: Record<string, any>): void {
  // Erratum 4: access_token is typed `format: byte` (base64); it is a JWT.
  const schemas = doc.components?.schemas ?? {}
  for (const schema of Object.values<any>(schemas)) {
    if (schema?.properties?.access_token?.format === 'byte') delete schema.properties.access_token.format
  }
}

/** OpenAPI 3.0 `nullable` becomes JSON Schema's null type, so ajv understands it. */
export function openApiToJsonSchema(node: any): any {
  if (Array.isArray(node)) return node.map(openApiToJsonSchema)
  if (!node || typeof node !== 'object') return node
  const out: Record<string, any> = {}
  for (const [k, v] of Object.entries(node)) out[k] = openApiToJsonSchema(v)
  if (out.nullable === true) {
    delete out.nullable
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null']
      if (Array.isArray(out.enum)) out.enum = [...out.enum, null]
      return out
    }
    return { anyOf: [out, { type: 'null' }] }
  }
  return out
}

function rewriteRefs(node: any, map: (ref: string) => string): void {
  if (!node || typeof node !== 'object') return
  if (typeof node.$ref === 'string') node.$ref = map(node.$ref)
  for (const v of Object.values(node)) rewriteRefs(v, map)
}
