import { loadConfig } from '../../config/load.js'
import type { Config } from '../../config/schema.js'
import { loadSecrets, type Secrets } from '../../config/secrets.js'
import { TillbridgeError } from '../../shared/errors.js'
import { type CheckResult, fail, pass } from './check.js'

/** Loads and validates the configuration; on failure lists every problem at once. */
export function checkConfig(
  path: string | undefined,
  env: NodeJS.ProcessEnv,
): { result: CheckResult; config?: Config; source?: string } {
  try {
    const { config, source } = loadConfig(path, env)
    const where = config.provider.kind === 'vipps' ? config.provider.baseUrl : 'the built-in simulator'
    return {
      result: pass('config', `${source} is valid (provider ${config.provider.kind}: ${where})`),
      config,
      source,
    }
  } catch (err) {
    const { message, problems } = describe(err)
    return {
      result: fail('config', message, 'fix each problem listed, then run `tillbridge doctor` again', {
        details: problems,
      }),
    }
  }
}

/** Reads every secret the config names; names each unreadable one by its key and file, never its value. */
export function checkSecrets(config: Config, env: NodeJS.ProcessEnv): { result: CheckResult; secrets?: Secrets } {
  try {
    const secrets = loadSecrets(config, env)
    const finding =
      secrets.values.length > 0 ? `${secrets.values.length} secret(s) readable` : 'no secret files named in the config'
    return { result: pass('secrets', finding), secrets }
  } catch (err) {
    const { message, problems } = describe(err)
    const fix =
      'make each file readable by the user tillbridge runs as (owner tillbridge, mode 0400); ' +
      '`{"credential": …}` secrets exist only inside the unit: run doctor with the same ' +
      'LoadCredentialEncrypted= lines (README, "tillbridge doctor")'
    return { result: fail('secrets', message, fix, { details: problems }) }
  }
}

function describe(err: unknown): { message: string; problems: string[] } {
  if (!(err instanceof TillbridgeError)) throw err
  const problems = err.details?.problems
  return { message: err.message, problems: Array.isArray(problems) ? problems.map(String) : [] }
}
