/**
 * Masks secrets before a log line leaves the process. Three nets, because one is never enough:
 * known secret values (read from config), secret-looking key names, and secret-looking text
 * (Bearer tokens, JWTs, phone numbers) wherever it appears, including inside errors.
 */

const MASK = '[REDACTED]'

const SECRET_KEYS = new Set(
  [
    'authorization',
    'clientsecret',
    'client_secret',
    'clientid',
    'client_id',
    'subscriptionkey',
    'ocp-apim-subscription-key',
    'accesstoken',
    'access_token',
    'token',
    'tilltoken',
    'secret',
    'password',
    'admintoken',
  ].map((k) => k.toLowerCase()),
)
const PHONE_KEYS = new Set(['phonenumber', 'phone', 'msisdn', 'mobilenumber'])

const BEARER = /\b(Bearer)\s+[A-Za-z0-9._~+/=-]+/gi
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*/g
/**
 * 10–15 digits, optionally after +, standing on their own: an MSISDN. Digits touching a letter,
 * digit, `-` or `_` belong to an identifier (a Vipps traceId, a UUID, a reference) and are kept,
 * or support loses the id it needs.
 */
const PHONE = /(?<![\w-])\+?\d{10,15}(?![\w-])/g
/** Keys whose values are identifiers: never masked as phone numbers (secrets are still masked). */
const ID_KEYS = new Set([
  'traceid',
  'requestid',
  'reference',
  'pspreference',
  'idempotencykey',
  'ref',
  'key',
  'msn',
  'correlationid',
])
/** Deeper than this a value is cut, so no log call can recurse without bound. */
const MAX_DEPTH = 32

export function maskPhone(digits: string): string {
  const plain = digits.replace(/^\+/, '')
  return `${digits.startsWith('+') ? '+' : ''}${'*'.repeat(Math.max(0, plain.length - 2))}${plain.slice(-2)}`
}

export class Redactor {
  #secrets: string[] = []

  /** Registers literal secret values (client secret, keys, till tokens) to mask anywhere. */
  addSecrets(values: Iterable<string>): void {
    for (const v of values) if (v.length >= 4 && !this.#secrets.includes(v)) this.#secrets.push(v)
    // Longest first, so a secret containing another is masked whole.
    this.#secrets.sort((a, b) => b.length - a.length)
  }

  redactText(text: string, phones = true): string {
    let out = text
    for (const s of this.#secrets) if (out.includes(s)) out = out.split(s).join(MASK)
    out = out.replace(BEARER, `$1 ${MASK}`).replace(JWT, MASK)
    return phones ? out.replace(PHONE, (m) => maskPhone(m)) : out
  }

  /** Returns a redacted deep copy; Error objects become plain objects with their fields. */
  redactValue(value: unknown, key = '', seen = new WeakSet<object>(), depth = 0): unknown {
    const lower = key.toLowerCase()
    if (typeof value === 'string') {
      if (SECRET_KEYS.has(lower)) return MASK
      if (PHONE_KEYS.has(lower)) return maskPhone(value)
      return this.redactText(value, !ID_KEYS.has(lower))
    }
    if (depth > MAX_DEPTH && typeof value === 'object' && value !== null) return '[Too deep]'
    if (typeof value !== 'object' || value === null) {
      return SECRET_KEYS.has(lower) && value !== undefined ? MASK : value
    }
    if (seen.has(value)) return '[Circular]'
    seen.add(value)
    if (value instanceof Error) return this.redactValue(errorFields(value), key, seen, depth + 1)
    if (Array.isArray(value)) return value.map((v) => this.redactValue(v, key, seen, depth + 1))
    if (value instanceof Date) return value.toISOString()
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) {
      out[k] =
        SECRET_KEYS.has(k.toLowerCase()) && v !== undefined && v !== null
          ? MASK
          : this.redactValue(v, k, seen, depth + 1)
    }
    return out
  }
}

function errorFields(err: Error): Record<string, unknown> {
  const out: Record<string, unknown> = { name: err.name, message: err.message }
  for (const [k, v] of Object.entries(err)) out[k] = v
  if (err.stack) out.stack = err.stack
  if (err.cause !== undefined) out.cause = err.cause
  return out
}
