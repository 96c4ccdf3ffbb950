import { type ParseArgsConfig, parseArgs } from 'node:util'
import { TillbridgeError } from '../shared/errors.js'

type Options = NonNullable<ParseArgsConfig['options']>

/** Strict flag parsing: an unknown flag or a missing value is a usage error, never ignored. */
export function parseFlags<O extends Options>(
  args: string[],
  options: O,
  allowPositionals = false,
): ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: boolean }>> {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals })
  } catch (err) {
    throw new TillbridgeError('USAGE', (err as Error).message)
  }
}

export const CONFIG_FLAG = { config: { type: 'string', short: 'c' } } as const
