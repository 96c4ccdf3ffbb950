import type { Answer, SimRequest } from './http-io.js'

export type Handler = (req: SimRequest) => Answer | Promise<Answer>

interface Route {
  method: string
  pattern: string
  regex: RegExp
  names: string[]
  handler: Handler
}

export type RouteMatch =
  | { kind: 'found'; handler: Handler; params: Record<string, string>; pattern: string }
  | { kind: 'wrong-method'; allowed: string[] }
  | { kind: 'none' }

/** Method + path templates such as `/epayment/v1/payments/{reference}/capture`. */
export class Router {
  readonly #routes: Route[] = []

  add(method: string, pattern: string, handler: Handler): this {
    const names: string[] = []
    const source = pattern
      .split('/')
      .map((part) => {
        const name = /^\{(\w+)\}$/.exec(part)?.[1]
        if (!name) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        names.push(name)
        return '([^/]+)'
      })
      .join('/')
    this.#routes.push({ method, pattern, regex: new RegExp(`^${source}$`), names, handler })
    return this
  }

  match(method: string, path: string): RouteMatch {
    const allowed: string[] = []
    for (const route of this.#routes) {
      const m = route.regex.exec(path)
      if (!m) continue
      if (route.method !== method) {
        allowed.push(route.method)
        continue
      }
      const params: Record<string, string> = {}
      route.names.forEach((name, i) => {
        params[name] = safeDecode(m[i + 1] ?? '')
      })
      return { kind: 'found', handler: route.handler, params, pattern: route.pattern }
    }
    return allowed.length > 0 ? { kind: 'wrong-method', allowed } : { kind: 'none' }
  }
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part)
  } catch {
    return part
  }
}
