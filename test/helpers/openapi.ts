// The OpenAPI documents are untyped YAML walked generically, hence `any` here (biome.json override).
import { Ajv, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { loadSpecs, type SpecDoc, specAvailable } from './openapi-load.js'

/**
 * The official OpenAPI files as a test oracle: does a request we send, or a response the
 * simulator gives, fit the spec for its path, method and status? Each function returns a list
 * of problems (empty when it fits). Corrections for the saved files' errata live in
 * openapi-load.ts; the response content-type corrections (errata 3 and 5) live here.
 */

export { specAvailable }

export interface HttpRequestRecord {
  method: string
  /** Path with query, e.g. /epayment/v1/payments/abc */
  path: string
  headers: Record<string, string | undefined>
  body?: string | undefined
}

export interface HttpResponseRecord {
  status: number
  contentType: string | undefined
  body: string
}

interface Operation {
  spec: SpecDoc
  template: string
  method: string
  op: Record<string, any>
  pathParams: Record<string, string>
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv

class Oracle {
  readonly #ajv: Ajv
  readonly #specs: SpecDoc[]
  readonly #compiled = new Map<string, ValidateFunction>()

  constructor() {
    const { specs, orderManagement } = loadSpecs()
    this.#specs = specs
    this.#ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false })
    addFormats(this.#ajv)
    for (const f of ['int32', 'int64', 'double', 'float', 'byte', 'binary']) this.#ajv.addFormat(f, true)
    for (const s of specs) this.#ajv.addSchema(s.doc, `${s.id}.json`)
    this.#ajv.addSchema(orderManagement, 'order-management.json')
  }

  findOperation(method: string, path: string): Operation | undefined {
    const bare = path.split('?')[0] ?? path
    for (const spec of this.#specs) {
      for (const [template, item] of Object.entries<any>(spec.doc.paths)) {
        const params = matchTemplate(spec.basePath + template, bare)
        const op = item[method.toLowerCase()]
        if (params && op)
          return {
            spec,
            template,
            method: method.toLowerCase(),
            op: { ...op, parameters: [...(item.parameters ?? []), ...(op.parameters ?? [])] },
            pathParams: params,
          }
      }
    }
    return undefined
  }

  validateRequest(req: HttpRequestRecord): string[] {
    const where = `${req.method} ${req.path}`
    const operation = this.findOperation(req.method, req.path)
    if (!operation) return [`${where}: no such operation in the official specs`]
    const problems: string[] = []
    const headers = lowerKeys(req.headers)
    for (const raw of operation.op.parameters as any[]) {
      const p = this.#deref(operation.spec, raw)
      const value =
        p.in === 'header' ? headers[p.name.toLowerCase()] : p.in === 'path' ? operation.pathParams[p.name] : undefined
      if (p.in !== 'header' && p.in !== 'path') continue
      if (value === undefined) {
        if (p.required) problems.push(`${where}: required ${p.in} parameter ${p.name} is missing`)
        continue
      }
      if (p.schema) problems.push(...this.#check(operation.spec, p.schema, value, `${where}: ${p.in} ${p.name}`))
    }
    const secured = operation.op.security ?? operation.spec.doc.security
    if (Array.isArray(secured) && secured.length > 0 && !/^Bearer \S+$/.test(headers.authorization ?? '')) {
      problems.push(`${where}: Authorization: Bearer <token> is required`)
    }
    const body = operation.op.requestBody ? this.#deref(operation.spec, operation.op.requestBody) : undefined
    if (req.body === undefined || req.body === '') {
      if (body?.required) problems.push(`${where}: a request body is required`)
    } else if (!body) {
      problems.push(`${where}: the operation takes no request body`)
    } else {
      if (!(headers['content-type'] ?? '').startsWith('application/json')) {
        problems.push(`${where}: Content-Type must be application/json`)
      }
      const schema = body.content?.['application/json']?.schema
      problems.push(...this.#checkJson(operation.spec, schema, req.body, `${where}: body`))
    }
    return problems
  }

  validateResponse(req: { method: string; path: string }, res: HttpResponseRecord): string[] {
    const where = `${req.method} ${req.path} → ${res.status}`
    const operation = this.findOperation(req.method, req.path)
    if (!operation) return [`${where}: no such operation in the official specs`]
    const gateway = gatewayShapeProblems(req.path, res, where)
    if (gateway !== undefined) return gateway
    const responses = operation.op.responses ?? {}
    const declared = responses[String(res.status)] ?? responses.default
    const mediaType = (res.contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
    if (!declared) {
      // 401, 403, 423, 429 and 5xx come from the API gateway and are undocumented per operation
      // (knowledge-base/errors.md); they must still be problem+json with the spec's Problem shape.
      if (res.status < 400) return [`${where}: status not documented for this operation`]
      if (mediaType !== 'application/problem+json')
        return [`${where}: error must be application/problem+json, got ${res.contentType}`]
      const problem =
        operation.spec.doc.components?.schemas?.Problem ?? operation.spec.doc.components?.schemas?.ProblemDetails
      return problem
        ? this.#checkJson(
            operation.spec,
            {
              $ref:
                '#/components/schemas/' +
                (operation.spec.doc.components.schemas.Problem ? 'Problem' : 'ProblemDetails'),
            },
            res.body,
            `${where}: body`,
          )
        : []
    }
    const response = this.#deref(operation.spec, declared)
    const content: Record<string, any> | undefined = response.content
    if (!content || Object.keys(content).length === 0) {
      if (res.body.trim() === '') return []
      // The access-token spec lists 400/401/500 with no body at all; the real errors have one
      // (the SDK defines its own type for it). An error body must at least be an RFC 7807 problem.
      if (res.status >= 400) return this.#checkGenericProblem(mediaType, res, where)
      return [`${where}: the spec declares no body, got ${res.body.slice(0, 80)}`]
    }
    const exact = Object.entries(content).find(([type]) => type.split(';')[0]?.trim().toLowerCase() === mediaType)
    let schema = exact?.[1]?.schema
    if (!exact) {
      const types = Object.keys(content).map((t) => t.split(';')[0]?.trim().toLowerCase())
      // Errata 3 and 5: the 200 answers of capture/refund/cancel are typed problem+json, and the
      // token answer application/json;charset=UTF-8; both are ordinary application/json.
      const jsonTwin = res.status < 300 && mediaType === 'application/json' && types.length === 1
      if (!jsonTwin) return [`${where}: content type ${res.contentType} not among ${Object.keys(content).join(', ')}`]
      schema = Object.values(content)[0]?.schema
    }
    return schema ? this.#checkJson(operation.spec, schema, res.body, `${where}: body`) : []
  }

  #checkGenericProblem(mediaType: string, res: HttpResponseRecord, where: string): string[] {
    if (mediaType !== 'application/problem+json') return [`${where}: error body must be application/problem+json`]
    const problem = {
      type: 'object',
      required: ['type', 'title', 'status'],
      properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' } },
    }
    return this.#checkJson(this.#specs[0] as SpecDoc, problem, res.body, `${where}: body`)
  }

  #deref(spec: SpecDoc, node: any): any {
    let current = node
    for (let i = 0; i < 10 && current?.$ref; i++) {
      const pointer = String(current.$ref).replace(/^#\//, '').split('/')
      current = pointer.reduce((n: any, key) => n?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], spec.doc)
    }
    return current
  }

  #checkJson(spec: SpecDoc, schema: any, text: string, where: string): string[] {
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch {
      return [`${where}: not JSON: ${text.slice(0, 80)}`]
    }
    return this.#check(spec, schema, value, where)
  }

  #check(spec: SpecDoc, schema: any, value: unknown, where: string): string[] {
    const key = `${spec.id}:${JSON.stringify(schema)}`
    let validate = this.#compiled.get(key)
    if (!validate) {
      validate = this.#ajv.compile(rebase(schema, `${spec.id}.json`))
      this.#compiled.set(key, validate)
    }
    if (validate(value)) return []
    return (validate.errors ?? []).map(
      (e) => `${where}${e.instancePath} ${e.message ?? 'is invalid'}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`,
    )
  }
}

/** Local refs (#/…) inside a fragment point into its own spec document. */
function rebase(schema: any, docId: string): any {
  if (Array.isArray(schema)) return schema.map((s) => rebase(s, docId))
  if (!schema || typeof schema !== 'object') return schema
  const out: Record<string, any> = {}
  for (const [k, v] of Object.entries(schema)) {
    out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `${docId}${v}` : rebase(v, docId)
  }
  return out
}

function matchTemplate(template: string, path: string): Record<string, string> | undefined {
  const names: string[] = []
  const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_m, name: string) => {
    names.push(name)
    return '([^/]+)'
  })
  const match = new RegExp(`^${pattern}$`).exec(path)
  if (!match) return undefined
  return Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(match[i + 1] ?? '')]))
}

function lowerKeys(headers: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]))
}

let oracle: Oracle | undefined

/** The oracle, built once per test process. Call only when specAvailable(). */
export function openApiOracle(): Oracle {
  oracle ??= new Oracle()
  return oracle
}

/**
 * Erratum 6: answers that never reach the Vipps services are not in their specs. Azure API
 * Management answers 401, 403 and 429 itself as `{statusCode, message}` (research/vipps-api.md
 * §3.3: "429 bodies may come from Azure"), and the token endpoint refuses in Azure AD's shape
 * (`error`, `error_description`). Such answers are checked against those shapes instead; any
 * other application/json error falls through to the spec check and fails there.
 */
function gatewayShapeProblems(path: string, res: HttpResponseRecord, where: string): string[] | undefined {
  const mediaType = (res.contentType ?? '').split(';')[0]?.trim().toLowerCase()
  if (res.status < 400 || mediaType !== 'application/json') return undefined
  let body: any
  try {
    body = JSON.parse(res.body)
  } catch {
    return undefined
  }
  if (typeof body !== 'object' || body === null) return undefined
  const bare = path.split('?')[0]
  if (bare === '/accesstoken/get' && 'error' in body) {
    return typeof body.error === 'string' && typeof body.error_description === 'string'
      ? []
      : [`${where}: a token error needs string error and error_description`]
  }
  if ([401, 403, 429].includes(res.status) && 'statusCode' in body) {
    return body.statusCode === res.status && typeof body.message === 'string'
      ? []
      : [`${where}: a gateway answer needs statusCode ${res.status} and a string message`]
  }
  return undefined
}
