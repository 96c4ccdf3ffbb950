import { join } from 'node:path'
import { App } from '../app/app.js'
import { createContext } from '../app/context.js'
import type { Config } from '../config/schema.js'
import type { Secrets } from '../config/secrets.js'
import { createSilentLogger } from '../log/logger.js'
import type { Currency } from '../payments/types.js'
import { tillMsnResolver } from '../payments/wiring.js'
import type { Clock } from '../shared/clock.js'
import { TillbridgeError } from '../shared/errors.js'
import { VERSION } from '../shared/version.js'
import { SIMULATOR_DEMO_CREDENTIALS } from '../simulator/demo.js'
import { isProduction } from '../vipps/epayment.js'
import { type Approver, forceApprover, simulatorApprover } from './approver.js'
import type { FlowKit } from './flow-kit.js'
import { FLOWS } from './flows.js'
import { CallRecorder } from './recorder.js'
import type { CertifyReport, ReadCheck } from './report.js'
import { type FlowResult, runFlows } from './runner.js'
import { customerInteractions, headerSummary, tokenSummary } from './summary.js'
import { startTicker } from './ticker.js'

export interface CertifyOptions {
  config: Config
  /** Loaded after the production check: a refused run never reads a secret. */
  secrets: () => Secrets
  /** The test user's number; the simulator's waiting customer by default. */
  phoneNumber: string | undefined
  outDir: string
  production: boolean
  /** The sales unit's currency. */
  currency: Currency
  /** Flow ids to run; all when absent. */
  only: string[] | undefined
  waitMs: number
  clock: Clock
  fetch: typeof globalThis.fetch
  progress: (line: string) => void
}

/** The simulator's customer who waits for an approval (SIMULATOR.md: last digit 0). */
const SIMULATOR_CUSTOMER = '4791234560'
const TILL_ID = 'certify'

export type Environment = CertifyReport['environment']

export function environmentOf(config: Config): Environment {
  if (config.provider.kind === 'simulator') return 'simulator'
  return isProduction(config.provider.baseUrl) ? 'production' : 'test'
}

/**
 * Refuses what certify must not do before anything starts: money-moving flows against
 * production, an unknown flow, a test run without the test user's number.
 */
export function checkCertifyOptions(o: Pick<CertifyOptions, 'config' | 'production' | 'phoneNumber' | 'only'>): void {
  const environment = environmentOf(o.config)
  if (environment === 'production' && !o.production) {
    throw new TillbridgeError(
      'USAGE',
      `refusing to certify against production (${o.config.provider.baseUrl}): the flows create, capture and refund real payments. ` +
        'Use the test environment (provider.baseUrl https://apitest.vipps.no with your test keys), or pass --production to run only the read checks, which move no money.',
    )
  }
  if (environment === 'test' && o.phoneNumber === undefined) {
    throw new TillbridgeError('USAGE', "--phone is required against Vipps' test environment: your test user's number")
  }
  const unknown = (o.only ?? []).filter((id) => !FLOWS.some((f) => f.id === id))
  if (unknown.length > 0) {
    throw new TillbridgeError(
      'USAGE',
      `unknown flow ${unknown.join(', ')}; the flows: ${FLOWS.map((f) => f.id).join(', ')}`,
    )
  }
}

/**
 * Runs the go-live flows through the daemon's own composition root (engine, worker, journal,
 * Vipps clients) on a journal of its own in the output folder, so a store's daemon and its
 * journal are never touched. The gateway listens on a free loopback port with no tills; the
 * admin server and the nightly reconciliation stay off.
 */
export async function certify(o: CertifyOptions): Promise<CertifyReport> {
  checkCertifyOptions(o)
  const environment = environmentOf(o.config)
  const config = certifyConfig(o.config, o.outDir)
  let baseUrl: () => string | undefined = () => config.provider.baseUrl
  const recorder = new CallRecorder(o.fetch, o.clock, () => baseUrl())
  const context = createContext(config, o.secrets(), {
    clock: o.clock,
    log: createSilentLogger(),
    fetch: recorder.fetch,
  })
  const { simulator } = context
  if (simulator) baseUrl = () => simulator.baseUrl
  const msn = tillMsnResolver(config, SIMULATOR_DEMO_CREDENTIALS.msn)(TILL_ID)
  const app = new App(context)
  const startedAt = new Date(o.clock.now()).toISOString()
  await app.start()
  let flows: FlowResult[] = []
  let readChecks: ReadCheck[] = []
  let approvals = 'none (read checks only)'
  try {
    const api = context.vipps.epayment(msn)
    if (environment === 'production') {
      readChecks = await productionReadChecks(api.getPayment.bind(api), o.clock)
      for (const c of readChecks) o.progress(`${c.ok ? 'ok    ' : 'FAILED'} ${c.name}: ${c.detail}`)
    } else {
      const approver: Approver = simulator
        ? simulatorApprover(() => simulator.baseUrl, o.fetch)
        : forceApprover(api, o.phoneNumber ?? SIMULATOR_CUSTOMER)
      approvals = approver.how
      const kit: FlowKit = {
        engine: context.payments,
        tillId: TILL_ID,
        runId: o.clock.now().toString(36),
        phoneNumber: o.phoneNumber ?? SIMULATOR_CUSTOMER,
        currency: o.currency,
        approver,
        recorder,
        clock: o.clock,
        waitMs: o.waitMs,
        poll: { firstDelayMs: config.payments.pollFirstDelayMs, intervalMs: config.payments.pollIntervalMs },
      }
      const selected = FLOWS.filter((f) => o.only === undefined || o.only.includes(f.id))
      const running = new Set(selected.map((f) => f.id))
      const stopTicker = startTicker(o.clock, () => [...running], o.progress)
      flows = await runFlows(kit, selected, {
        pspReference: async (reference) => (await api.getPayment(reference)).pspReference,
        onFlowDone: (r) => {
          running.delete(r.id)
          o.progress(flowLine(r))
        },
      }).finally(stopTicker)
    }
  } finally {
    await app.stop()
  }
  return {
    tool: 'tillbridge certify',
    version: VERSION,
    environment,
    baseUrl: baseUrl() ?? config.provider.baseUrl,
    msn,
    startedAt,
    finishedAt: new Date(o.clock.now()).toISOString(),
    ok: flows.every((f) => f.ok) && readChecks.every((c) => c.ok),
    approvals,
    flows,
    readChecks,
    customerInteraction: customerInteractions(recorder.calls),
    headers: headerSummary(recorder.calls),
    token: tokenSummary(recorder.calls),
  }
}

/** The daemon's config with certify's own journal, no tills, no admin server, no nightly job. */
function certifyConfig(config: Config, outDir: string): Config {
  const c = structuredClone(config)
  c.journal.path = join(outDir, 'certify-journal.db')
  c.gateway = { ...c.gateway, host: '127.0.0.1', port: 0, tills: [], tls: undefined }
  c.admin.enabled = false
  c.reconcile.enabled = false
  return c
}

/** Production: only calls that cannot move money. An unknown reference must come back 404. */
async function productionReadChecks(
  getPayment: (reference: string) => Promise<unknown>,
  clock: Clock,
): Promise<ReadCheck[]> {
  const reference = `certify-readcheck-${clock.now().toString(36)}`
  const name = 'access token, subscription key and MSN accepted (GET of an unknown reference)'
  try {
    await getPayment(reference)
    return [{ name, ok: false, detail: `Vipps answered 200 for ${reference}, which certify never created` }]
  } catch (err) {
    const e = err as TillbridgeError & { status?: number; vippsCode?: string }
    const ok = e.code === 'PROVIDER_NOT_FOUND'
    const detail = ok ? `Vipps answered 404 (${e.vippsCode ?? 'no code'}) as it should` : e.message
    return [{ name, ok, detail }]
  }
}

export function flowLine(r: FlowResult): string {
  const statuses = r.statuses.map((s) => s.status).join(' → ')
  const head = `${r.ok ? 'ok    ' : 'FAILED'} ${r.id.padEnd(22)} ${r.reference ?? ''}  ${statuses}`
  return r.ok ? head : `${head}\n       expected ${r.expected ?? ''}\n       got      ${r.actual ?? ''}`
}
