/**
 * Limits on the shape of what a till sends, checked without recursion: a receipt nested 5,000
 * deep must be refused by a loop, not discovered by a stack overflow somewhere further in
 * (validation, logging, storing).
 */

/** Deepest nesting of objects and arrays in any till frame (a Vipps receipt needs about 5). */
export const MAX_FRAME_DEPTH = 16
/** Deepest nesting inside `receipt`. */
export const MAX_RECEIPT_DEPTH = 8
/** Largest `receipt` as JSON, in UTF-16 code units; checked before anything is stored. */
export const MAX_RECEIPT_CHARS = 32 * 1024

/** True when `value` nests objects or arrays more than `max` levels deep (the value itself is 1). */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 1 }]
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (typeof item.value !== 'object' || item.value === null) continue
    if (item.depth > max) return true
    for (const child of Object.values(item.value)) {
      if (typeof child === 'object' && child !== null) stack.push({ value: child, depth: item.depth + 1 })
    }
  }
  return false
}
