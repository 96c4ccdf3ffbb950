import type { Answer } from './http-io.js'

interface Remembered {
  fingerprint: string
  answer: Answer
}

export type IdempotencyLookup = { kind: 'new' } | { kind: 'replay'; answer: Answer } | { kind: 'conflict' }

/**
 * The Vipps idempotency rules: the same key with the same request gives the first answer again;
 * the same key with a different request is a 409; a 4xx answer sticks to its key. 5xx, 423 and
 * 429 are not remembered: Vipps asks clients to retry those with the same key.
 */
export class IdempotencyStore {
  readonly #entries = new Map<string, Remembered>()

  lookup(scope: string, key: string, fingerprint: string): IdempotencyLookup {
    const entry = this.#entries.get(`${scope}\n${key}`)
    if (!entry) return { kind: 'new' }
    return entry.fingerprint === fingerprint ? { kind: 'replay', answer: entry.answer } : { kind: 'conflict' }
  }

  /** An answer is kept for this key. */
  has(scope: string, key: string): boolean {
    return this.#entries.has(`${scope}\n${key}`)
  }

  remember(scope: string, key: string, fingerprint: string, answer: Answer): void {
    if (!isFinalAnswer(answer.status)) return
    this.#entries.set(`${scope}\n${key}`, { fingerprint, answer })
  }
}

export function isFinalAnswer(status: number): boolean {
  return status < 500 && status !== 423 && status !== 429
}

/**
 * What "the same request" means: method, path and the body's JSON content. Key order and
 * whitespace do not matter (Vipps compares content, not bytes).
 */
export function fingerprint(method: string, path: string, body: unknown): string {
  return `${method} ${path} ${canonicalJson(body)}`
}

export function canonicalJson(value: unknown): string {
  if (value === undefined) return ''
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}
