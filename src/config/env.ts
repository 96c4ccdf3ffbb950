import { configSchema } from './schema.js'

/**
 * TILLBRIDGE_* environment overrides. `__` separates levels and `_` inside a level is dropped
 * when matching, so TILLBRIDGE_GATEWAY__PORT sets gateway.port and
 * TILLBRIDGE_PROVIDER__BASE_URL sets provider.baseUrl. Values are JSON when they parse as JSON,
 * else plain strings. A variable that names no known key is a problem, not a silent no-op.
 */

const PREFIX = 'TILLBRIDGE_'
/** Variables with the prefix that are not config keys. */
const NOT_OVERRIDES = new Set([
  'TILLBRIDGE_CONFIG',
  'TILLBRIDGE_TEST_HOOKS',
  'TILLBRIDGE_TRACE_FILE',
  'TILLBRIDGE_FOOTPRINT_FILE',
])

export function applyEnvOverrides(fileValue: unknown, env: NodeJS.ProcessEnv): { value: unknown; problems: string[] } {
  const problems: string[] = []
  if (!isPlainObject(fileValue)) {
    return { value: fileValue, problems: ['(root): the config file must hold a JSON object'] }
  }
  const value = structuredClone(fileValue)
  const names = Object.keys(env)
    .filter((name) => name.startsWith(PREFIX) && !NOT_OVERRIDES.has(name))
    .sort()
  for (const name of names) {
    const segments = name.slice(PREFIX.length).split('__')
    const path = resolvePath(segments)
    if (!path) {
      problems.push(`${name}: names no config key`)
      continue
    }
    setPath(value, path, parseEnvValue(env[name] ?? ''))
  }
  return { value, problems }
}

function resolvePath(segments: string[]): string[] | undefined {
  const path: string[] = []
  let shape: unknown = configSchema
  for (const segment of segments) {
    const keys = objectKeys(shape)
    const key = keys.find((k) => normalise(k) === normalise(segment))
    if (!key) return undefined
    path.push(key)
    shape = childShape(shape, key)
  }
  return path
}

function normalise(name: string): string {
  return name.replaceAll('_', '').toLowerCase()
}

/** Walks through zod wrappers (default, optional, prefault) to an object's keys. */
function unwrap(schema: unknown): unknown {
  let s = schema as { def?: { innerType?: unknown; type?: string } } | undefined
  while (s?.def?.innerType) s = s.def.innerType as typeof s
  return s
}

function objectKeys(schema: unknown): string[] {
  const s = unwrap(schema) as { def?: { type?: string; shape?: Record<string, unknown> } } | undefined
  return s?.def?.type === 'object' && s.def.shape ? Object.keys(s.def.shape) : []
}

function childShape(schema: unknown, key: string): unknown {
  const s = unwrap(schema) as { def?: { shape?: Record<string, unknown> } } | undefined
  return s?.def?.shape?.[key]
}

function parseEnvValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target
  for (const key of path.slice(0, -1)) {
    const next = node[key]
    if (!isPlainObject(next)) node[key] = {}
    node = node[key] as Record<string, unknown>
  }
  const last = path[path.length - 1]
  if (last !== undefined) node[last] = value
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
