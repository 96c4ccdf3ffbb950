import type { z } from 'zod'
import { type DaemonFrame, daemonFrameSchema } from './daemon-frames.js'
import { MAX_FRAME_DEPTH, nestedDeeperThan } from './depth.js'
import { TILL_FRAME_SCHEMAS, TILL_FRAME_TYPES, type TillFrame, type TillFrameType } from './till-frames.js'

export type Parsed<T> =
  | { ok: true; frame: T }
  /** `id` is the frame's own id when it had a usable one, so the error can name the request. */
  | { ok: false; message: string; id?: string }

/**
 * Validates one text frame from a till: JSON, an object, a known `type`, then that type's
 * strict schema. The message names the first broken field ("amount.value: must be an integer > 0").
 */
export function parseTillFrame(text: string): Parsed<TillFrame> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { ok: false, message: 'not valid JSON' }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, message: 'a frame must be a JSON object' }
  }
  const record = value as Record<string, unknown>
  const id = typeof record.id === 'string' && record.id.length > 0 && record.id.length <= 64 ? record.id : undefined
  if (nestedDeeperThan(value, MAX_FRAME_DEPTH)) {
    const message = `a frame may nest objects and arrays at most ${MAX_FRAME_DEPTH} levels deep`
    return withId({ ok: false, message }, id)
  }
  const type = record.type
  if (typeof type !== 'string' || !Object.hasOwn(TILL_FRAME_SCHEMAS, type)) {
    const known = TILL_FRAME_TYPES.join(', ')
    const message = type === undefined ? 'type: is required' : `type: must be one of ${known}`
    return withId({ ok: false, message }, id)
  }
  const result = TILL_FRAME_SCHEMAS[type as TillFrameType].safeParse(value)
  if (result.success) return { ok: true, frame: result.data as TillFrame }
  return withId({ ok: false, message: describeIssues(result.error) }, id)
}

/** Validates one frame from the daemon (the client library checks what it receives). */
export function parseDaemonFrame(text: string): Parsed<DaemonFrame> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { ok: false, message: 'not valid JSON' }
  }
  const result = daemonFrameSchema.safeParse(value)
  if (result.success) return { ok: true, frame: result.data }
  return { ok: false, message: describeIssues(result.error) }
}

function withId<T extends { ok: false; message: string; id?: string }>(r: T, id: string | undefined): T {
  if (id !== undefined) r.id = id
  return r
}

/** "field.path: what is wrong" for the first issue, plus a count of the others. */
export function describeIssues(error: z.ZodError): string {
  const issues = error.issues
  const first = issues[0]
  if (!first) return 'invalid frame'
  const text = describeIssue(first)
  return issues.length > 1 ? `${text} (and ${issues.length - 1} more problem(s))` : text
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => `${pathText([...issue.path, k])}: unknown field`).join('; ')
  }
  const where = pathText(issue.path)
  return where === '' ? issue.message : `${where}: ${issue.message}`
}

function pathText(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.')
}
