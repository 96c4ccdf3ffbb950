import { readFileSync } from 'node:fs'
import { type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser'
import { z } from 'zod'
import { TillbridgeError } from '../shared/errors.js'
import { deepFreeze } from '../shared/freeze.js'
import { crossCheckConfig } from './cross-check.js'
import { applyEnvOverrides } from './env.js'
import { type Config, configSchema } from './schema.js'
import { rawFacts } from './security-check.js'

/** Where `loadConfig` looks when neither --config nor TILLBRIDGE_CONFIG names a file. */
export const DEFAULT_CONFIG_URL = new URL('../../config/default.json', import.meta.url)

export interface LoadedConfig {
  config: Config
  /** The file it came from, for messages. */
  source: string
}

/**
 * Loads configuration: file → TILLBRIDGE_* environment → schema → frozen object.
 * Every problem is collected and thrown together as one CONFIG_INVALID error, so a technician
 * fixes the file once instead of once per mistake.
 */
export function loadConfig(path: string | undefined, env: NodeJS.ProcessEnv): LoadedConfig {
  const source = path ?? env.TILLBRIDGE_CONFIG ?? DEFAULT_CONFIG_URL.pathname
  const raw = parseJsonFile(source)
  const { value, problems } = applyEnvOverrides(raw, env)
  const result = configSchema.safeParse(value)
  if (!result.success) problems.push(...formatIssues(result.error))
  else problems.push(...crossCheckConfig(result.data, rawFacts(value)))
  if (problems.length > 0 || !result.success) {
    throw new TillbridgeError('CONFIG_INVALID', `${source}: ${problems.length} problem(s)`, {
      details: { file: source, problems },
    })
  }
  return { config: deepFreeze(result.data), source }
}

export function parseJsonFile(file: string): unknown {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? String(err)
    throw new TillbridgeError('CONFIG_INVALID', `${file}: cannot read config file (${reason})`, {
      details: { file, problems: [`cannot read file: ${reason}`] },
    })
  }
  try {
    return JSON.parse(text) as unknown
  } catch (err) {
    const where = describeJsonPosition(text)
    throw new TillbridgeError('CONFIG_INVALID', `${file}: malformed JSON ${where}`, {
      details: { file, problems: [`malformed JSON ${where}: ${(err as Error).message}`] },
    })
  }
}

/**
 * Node 20's JSON.parse does not always say where it failed, so a tolerant parser locates the
 * first error and it is reported as line:column.
 */
function describeJsonPosition(text: string): string {
  if (text.trim() === '') return 'at line 1, column 1 (empty file)'
  const errors: ParseError[] = []
  parseTree(text, errors, { disallowComments: true, allowTrailingComma: false })
  const first = errors[0]
  const offset = first ? first.offset : text.length
  const before = text.slice(0, offset).split('\n')
  const column = (before[before.length - 1]?.length ?? 0) + 1
  const what = first ? printParseErrorCode(first.error) : 'UnexpectedEndOfInput'
  return `at line ${before.length}, column ${column} (${what})`
}

/** One line per problem: the dotted path, then what is wrong. */
export function formatIssues(error: z.ZodError): string[] {
  const out: string[] = []
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.') || '(root)'
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push(`${path === '(root)' ? key : `${path}.${key}`}: unknown key`)
    } else {
      out.push(`${path}: ${issue.message}`)
    }
  }
  return out
}

/** The schema as JSON Schema, for `check-config --schema` and editors. */
export function configJsonSchema(): unknown {
  return z.toJSONSchema(configSchema, { io: 'input' })
}
