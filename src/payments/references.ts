import { randomInt } from 'node:crypto'
import type { Db } from '../store/db.js'

/** The longest reference we make, so that `<reference>-cap1`, `-r12`, … fit Vipps' 50-character keys. */
export const MAX_REFERENCE_LENGTH = 40
/** Vipps' Idempotency-Key limit. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 50
const REFERENCE_PATTERN = /^[a-zA-Z0-9-]{8,50}$/
const INSTALLATION_KEY = 'installation_id'
const INSTALLATION_LETTERS = 'abcdefghijkmnpqrstuvwxyz'
const INSTALLATION_LENGTH = 6

/**
 * The random part of every reference, made once per journal and kept in daemon_meta. A wiped or
 * replaced journal gets a new one, so it cannot reuse a reference an earlier journal sent to
 * Vipps (references are unique per sales unit forever). Letters only: references avoid long digit
 * runs, which Vipps shows to the customer and advises against.
 */
export function ensureInstallationId(db: Db): string {
  const row = db.prepare('SELECT value FROM daemon_meta WHERE key = ?').get(INSTALLATION_KEY) as
    | { value: string }
    | undefined
  if (row) return row.value
  let id = ''
  for (let i = 0; i < INSTALLATION_LENGTH; i++) id += INSTALLATION_LETTERS[randomInt(INSTALLATION_LETTERS.length)]
  db.prepare('INSERT INTO daemon_meta (key, value) VALUES (?, ?)').run(INSTALLATION_KEY, id)
  return id
}

/**
 * `<prefix>-<installation>-<payment id in base 36>`: unique per journal because ids are never
 * reused (AUTOINCREMENT), unique across journals by the installation part, at most 37 characters.
 */
export function paymentReference(prefix: string, installationId: string, paymentId: number): string {
  const reference = `${prefix}-${installationId}-${paymentId.toString(36)}`
  if (reference.length > MAX_REFERENCE_LENGTH || !REFERENCE_PATTERN.test(reference)) {
    throw new Error(`cannot make a valid Vipps reference from "${reference}"`)
  }
  return reference
}

export type OperationKind = 'create' | 'capture' | 'refund' | 'cancel'

const KEY_SUFFIX: Record<OperationKind, string> = { create: 'c', capture: 'cap', refund: 'r', cancel: 'x' }

/**
 * The Idempotency-Key of the n-th operation of a kind on a payment (n from 1; create has one):
 * `<ref>-c`, `<ref>-cap1`, `<ref>-r2`, `<ref>-x1`. Derived from the row, never random, so it is
 * the same on every attempt and after every restart.
 */
export function idempotencyKey(reference: string, kind: OperationKind, n = 1): string {
  const key = kind === 'create' ? `${reference}-c` : `${reference}-${KEY_SUFFIX[kind]}${n}`
  if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH) throw new Error(`idempotency key "${key}" is over 50 characters`)
  return key
}
