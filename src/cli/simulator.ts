import { createLogger, Redactor } from '../log/logger.js'
import { createSystemClock } from '../shared/clock.js'
import { TillbridgeError } from '../shared/errors.js'
import { EXIT } from '../shared/exit-codes.js'
import { SIMULATOR_DEMO_CREDENTIALS } from '../simulator/demo.js'
import { Simulator } from '../simulator/simulator.js'
import { parseFlags } from './args.js'
import type { CliIo, Command } from './io.js'

export const simulatorCommand: Command = {
  name: 'simulator',
  summary: 'run the Vipps MobilePay simulator on its own until SIGINT or SIGTERM',
  usage:
    'tillbridge simulator [--port N] [--host H] [--seed S] [--token-ttl SECONDS] [--environment test|production] [--control-from-any-address]',
  async run(args, io) {
    const { values } = parseFlags(args, {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      seed: { type: 'string' },
      'token-ttl': { type: 'string' },
      'control-from-any-address': { type: 'boolean' },
      environment: { type: 'string' },
    })
    const environment = values.environment ?? 'test'
    if (environment !== 'test' && environment !== 'production') {
      throw new TillbridgeError('USAGE', `--environment must be test or production, got "${environment}"`)
    }
    const simulator = new Simulator({
      clock: createSystemClock(),
      log: createLogger({ level: 'info', redactor: new Redactor() }),
      host: values.host ?? '127.0.0.1',
      port: integerFlag('--port', values.port, 0, 65_535) ?? 9090,
      seed: integerFlag('--seed', values.seed, -(2 ** 31), 2 ** 31 - 1) ?? 1,
      tokenTtlSeconds: integerFlag('--token-ttl', values['token-ttl'], 1, 86_400 * 365) ?? 3600,
      controlFromAnyAddress: values['control-from-any-address'] === true,
      environment,
    })
    try {
      await simulator.start()
    } catch (err) {
      io.stderr(`tillbridge simulator: cannot listen: ${(err as Error).message}\n`)
      return EXIT.FAILURE
    }
    io.stdout(banner(simulator.baseUrl, environment))
    await untilSignal(io)
    await simulator.stop()
    return EXIT.OK
  },
}

function integerFlag(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined
  const value = Number(text)
  if (!/^-?\d+$/.test(text) || value < min || value > max) {
    throw new TillbridgeError('USAGE', `${name} must be an integer from ${min} to ${max}, got "${text}"`)
  }
  return value
}

/** The demo keys are printed on purpose: they only open this simulator. */
function banner(url: string, environment: string): string {
  const d = SIMULATOR_DEMO_CREDENTIALS
  return [
    `tillbridge simulator listening on ${url} (environment: ${environment})`,
    'Demo credentials (not secrets; they only open this simulator):',
    `  client_id                  ${d.clientId}`,
    `  client_secret              ${d.clientSecret}`,
    `  Ocp-Apim-Subscription-Key  ${d.subscriptionKey}`,
    `  Merchant-Serial-Number     ${d.msn}`,
    `Control API: ${url}/_sim/payments  ${url}/_sim/requests  ${url}/_sim/faults  ${url}/_sim/refusals  ${url}/_sim/clock`,
    '',
  ].join('\n')
}

async function untilSignal(io: CliIo): Promise<void> {
  // Signal handlers do not keep Node's event loop alive; the listening socket does, but be explicit.
  const keepAlive = setInterval(() => {}, 1 << 30)
  await new Promise<void>((resolve) => {
    if (io.signal.aborted) resolve()
    io.signal.addEventListener('abort', () => resolve(), { once: true })
  })
  clearInterval(keepAlive)
}
