import type { z } from 'zod'
import { type ExtraDetail, problems } from './problem.js'

export type Issue = z.core.$ZodIssue

/**
 * Parses a request body with a schema, or throws a 400 whose extraDetails name every field that
 * failed and why (as Vipps does for a malformed body). `codeFor` may add the Vipps error code
 * that some field failures carry (4040, 4070, …).
 */
export function parseBody<S extends z.ZodType>(
  schema: S,
  value: unknown,
  codeFor?: (issues: readonly Issue[]) => string | undefined,
): z.output<S> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const issues = result.error.issues
  throw problems.badRequest('One or more validation errors occurred', issues.map(toField), codeFor?.(issues))
}

export function toField(issue: Issue): ExtraDetail {
  const name = issue.path.map(String).join('.') || 'body'
  const missing = issue.code === 'invalid_type' && /received undefined$/.test(issue.message)
  return { name, reason: missing ? 'The field is required' : issue.message }
}

/** Whether an issue is about the field at `path` (or inside it). */
export function isAt(issue: Issue, ...path: string[]): boolean {
  return path.every((p, i) => String(issue.path[i]) === p)
}
