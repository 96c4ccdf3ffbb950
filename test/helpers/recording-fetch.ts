import { afterEach, expect } from 'vitest'
import { noteConformanceSkipped } from './conformance.js'
import { openApiOracle, specAvailable } from './openapi.js'

/** One attempt as our client sent it; `headers` keys are lower-case. */
export interface SentRequest {
  method: string
  path: string
  headers: Record<string, string>
  /** The very object passed to fetch, to prove each attempt builds its own. */
  headersObject: unknown
  body: string | undefined
}

export interface FetchRecorder {
  readonly fetch: typeof globalThis.fetch
  readonly sent: SentRequest[]
  /** Attempts of money-moving calls (those with an Idempotency-Key), grouped by method and path. */
  keyedOperations(): Map<string, SentRequest[]>
}

/**
 * Wraps a fetch so every request the client sends is recorded and checked against the official
 * OpenAPI files (path, method, required headers, body schema). Every test that uses it fails in
 * afterEach if any request did not conform. When the spec files are missing, requests are still
 * recorded and the skipped check is counted (helpers/conformance.ts).
 */
export function useConformingFetch(): (inner: typeof globalThis.fetch) => FetchRecorder {
  const recorders: FetchRecorder[] = []
  const problems: string[] = []
  afterEach((ctx) => {
    const found = problems.splice(0)
    const recorded = recorders.splice(0).reduce((n, r) => n + r.sent.length, 0)
    if (!specAvailable()) {
      if (recorded > 0) noteConformanceSkipped(`${ctx.task.name}: ${recorded} request(s) not checked`)
      return
    }
    expect(found, 'requests that do not conform to the official OpenAPI files').toEqual([])
  })
  return (inner) => {
    const sent: SentRequest[] = []
    const fetch: typeof globalThis.fetch = (input, init = {}) => {
      const url = new URL(String(input))
      const headers: Record<string, string> = {}
      for (const [k, v] of Object.entries((init.headers ?? {}) as Record<string, string>)) headers[k.toLowerCase()] = v
      const request: SentRequest = {
        method: init.method ?? 'GET',
        path: `${url.pathname}${url.search}`,
        headers,
        headersObject: init.headers,
        body: typeof init.body === 'string' ? init.body : undefined,
      }
      sent.push(request)
      if (specAvailable()) problems.push(...openApiOracle().validateRequest(request))
      return inner(input, init)
    }
    const recorder: FetchRecorder = {
      fetch,
      sent,
      keyedOperations: () => {
        const groups = new Map<string, SentRequest[]>()
        for (const r of sent) {
          if (!r.headers['idempotency-key']) continue
          const key = `${r.method} ${r.path}`
          groups.set(key, [...(groups.get(key) ?? []), r])
        }
        return groups
      },
    }
    recorders.push(recorder)
    return recorder
  }
}
