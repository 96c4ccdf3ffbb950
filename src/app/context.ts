import type { Writable } from 'node:stream'
import type { Config } from '../config/schema.js'
import type { Secrets } from '../config/secrets.js'
import { TillGateway } from '../gateway/server.js'
import { createLogger, type Logger, Redactor } from '../log/logger.js'
import { SafeLogSink } from '../log/sink.js'
import { AdminServer } from '../ops/admin-server.js'
import { FootprintFile } from '../ops/footprint.js'
import { journalSize } from '../ops/journal-size.js'
import { LoudWarnings, loudWarnings } from '../ops/loud-warnings.js'
import { DaemonMetrics } from '../ops/metrics.js'
import { nightlyReconcile } from '../ops/reconcile/daemon-job.js'
import { RuntimeMetrics } from '../ops/runtime-metrics.js'
import { createNotifier } from '../ops/sd-notify.js'
import type { StatusSources } from '../ops/status-snapshot.js'
import { SystemdIntegration } from '../ops/systemd.js'
import type { PaymentsApi } from '../payments/api.js'
import { breakOnPurpose } from '../payments/broken-on-purpose.js'
import type { PaymentsEngine } from '../payments/engine.js'
import { createPayments } from '../payments/wiring.js'
import { type Clock, createSystemClock } from '../shared/clock.js'
import { FatalReporter } from '../shared/fatal.js'
import { FileHotPathTrace } from '../shared/hot-path-trace.js'
import type { Component } from '../shared/lifecycle.js'
import { StartupTimeline } from '../shared/startup-timeline.js'
import { NO_TEST_HOOKS, type TestHooks } from '../shared/test-hooks.js'
import { VERSION } from '../shared/version.js'
import { SIMULATOR_DEMO_CREDENTIALS } from '../simulator/demo.js'
import { EmbeddedSimulator } from '../simulator/embedded.js'
import type { Db } from '../store/db.js'
import { Journal } from '../store/journal.js'
import { JournalLock } from '../store/journal-lock.js'
import type { EpaymentApi, ProviderHealth } from '../vipps/api.js'
import { singleUnitSetup, VippsClients, vippsSetupFromConfig } from '../vipps/clients.js'

/** How long the ack-before-commit test hook holds a COMMIT back after answering. */
const ACK_BEFORE_COMMIT_DELAY_MS = 250

/** What tests (and only tests) may replace. */
export interface AppOverrides {
  clock?: Clock
  log?: Logger
  redactor?: Redactor
  fetch?: typeof globalThis.fetch
  db?: Db
  /** The ePayment client per sales unit (tests pass a fake or a client of their own simulator). */
  providerFor?: (msn: string) => EpaymentApi
  /** Environment and pid of the process (NOTIFY_SOCKET, WATCHDOG_USEC, CREDENTIALS_DIRECTORY). */
  runtime?: RuntimeInfo
  /** What the gateway talks to instead of the payments engine (gateway tests). */
  payments?: PaymentsApi
  /** The provider health for the tills' `status` frames; default: the Vipps clients' health. */
  providerHealth?: ProviderHealth
  /** Test-only switches that break the daemon on purpose (src/shared/test-hooks.ts); default: none. */
  testHooks?: TestHooks
}

export interface RuntimeInfo {
  env: NodeJS.ProcessEnv
  pid: number
  /** The process's stdout: log lines go there through a SafeLogSink. */
  logStream?: Writable
  /** Start-up so far (main.ts marks its first line); App marks each component. */
  startup?: StartupTimeline
}

/** Every dependency of the daemon, built in one place. */
export interface AppContext {
  config: Config
  secrets: Secrets
  clock: Clock
  log: Logger
  redactor: Redactor
  fetch: typeof globalThis.fetch
  fatal: FatalReporter
  journal: Journal
  payments: PaymentsEngine
  /** The tills' WebSocket endpoint. */
  gateway: TillGateway
  /** The Vipps clients per sales unit (the simulator's demo unit when provider.kind is `simulator`). */
  vipps: VippsClients
  /** In start order; stopped in reverse. */
  components: Component[]
  /** The embedded simulator when provider.kind is `simulator`; its baseUrl is valid after start. */
  simulator: EmbeddedSimulator | undefined
  /** True between the end of start() and the beginning of stop(); set by App. */
  readiness: { ready: boolean }
  metrics: DaemonMetrics
  /** What the status page, /status.json and /metrics read; domains add their sources. */
  statusSources: StatusSources
  startup: StartupTimeline
}

/**
 * The composition root. Nothing here does I/O: components open files and sockets in start().
 */
export function createContext(config: Config, secrets: Secrets, overrides: AppOverrides = {}): AppContext {
  const redactor = overrides.redactor ?? new Redactor()
  redactor.addSecrets(secrets.values)
  const runtime = overrides.runtime ?? { env: {}, pid: 0 }
  const sink = runtime.logStream ? new SafeLogSink(runtime.logStream) : undefined
  const log =
    overrides.log ?? createLogger({ level: config.logging.level, redactor, ...(sink ? { stream: sink } : {}) })
  const clock = overrides.clock ?? createSystemClock()
  const fetchImpl = overrides.fetch ?? globalThis.fetch
  const fatal = new FatalReporter()
  const hooks = overrides.testHooks ?? NO_TEST_HOOKS
  // Benchmarks and diagnosis only: every sale's hot path, stamped, to this file.
  const traceFile = runtime.env.TILLBRIDGE_TRACE_FILE
  const trace = traceFile ? new FileHotPathTrace(traceFile) : undefined
  const startup = runtime.startup ?? new StartupTimeline()
  // Benchmarks and diagnosis only: where the memory and the start-up time go (bench/footprint.ts).
  const footprintFile = runtime.env.TILLBRIDGE_FOOTPRINT_FILE
  const footprint = footprintFile ? new FootprintFile({ file: footprintFile, timeline: startup, clock }) : undefined

  const journal = new Journal({
    path: config.journal.path,
    busyTimeoutMs: config.journal.busyTimeoutMs,
    synchronous: hooks.synchronousNormal ? 'NORMAL' : 'FULL',
    clock,
    log: log.child({ subsystem: 'journal' }),
    fatal,
    ...(overrides.db ? { db: overrides.db } : {}),
  })

  // First to start, last to stop: the Vipps client reads its base URL once it listens.
  const simulator =
    config.provider.kind === 'simulator'
      ? new EmbeddedSimulator({
          ...config.simulator,
          clock,
          log: log.child({ subsystem: 'simulator' }),
          fetch: fetchImpl,
        })
      : undefined

  const readiness = { ready: false }
  const statusSources: StatusSources = {
    version: VERSION,
    providerKind: config.provider.kind,
    now: () => clock.now(),
    ready: () => readiness.ready,
    journal: () => journalSize(config.journal.path),
  }
  const counts: { logLinesLost: () => number; eventsExpired?: () => number } = { logLinesLost: () => sink?.lost ?? 0 }
  const metrics = new DaemonMetrics(statusSources, counts)

  // The simulator's demo keys and its base URL (known once it listens) when it stands in for Vipps.
  const vipps = new VippsClients({
    setup: simulator
      ? singleUnitSetup('simulator', SIMULATOR_DEMO_CREDENTIALS)
      : vippsSetupFromConfig(config.provider, secrets),
    provider: config.provider,
    baseUrl: simulator ? () => simulator.baseUrl : () => config.provider.baseUrl,
    fetch: fetchImpl,
    clock,
    log,
    onCall: (operation, outcome, seconds) => metrics.observeCall(operation, outcome, seconds),
  })
  const health = vipps.health
  statusSources.provider = () => ({
    state: health.state,
    ...(health.detail === undefined ? {} : { detail: health.detail }),
    tokenSecondsLeft: health.tokenSecondsLeft(),
  })

  const payments = createPayments({
    config,
    journal,
    clock,
    log,
    fatal,
    providerFor: overrides.providerFor ?? ((msn) => vipps.epayment(msn)),
    fallbackMsn: SIMULATOR_DEMO_CREDENTIALS.msn,
    ...(hooks.ackBeforeCommit ? { writer: { answerBeforeCommitMs: ACK_BEFORE_COMMIT_DELAY_MS } } : {}),
    ...(trace ? { trace } : {}),
  })
  statusSources.payments = () => payments.engine.summary()
  counts.eventsExpired = () => payments.reaper.eventsExpired

  // The simulator first (the Vipps clients read its URL), then the journal, the clients, and the
  // payments engine with its worker and reaper.
  // The journal's lock before the journal: a second daemon must not even migrate it.
  const ownsJournalFile = !overrides.db && config.journal.path !== ':memory:'
  const journalLock = ownsJournalFile
    ? new JournalLock({
        journalPath: config.journal.path,
        pid: runtime.pid > 0 ? runtime.pid : process.pid,
        log: log.child({ subsystem: 'journal' }),
      })
    : undefined
  const components: Component[] = [
    // First to start and last to stop: it sees every sale from the first till frame on.
    ...(trace ? [trace] : []),
    ...(footprint ? [footprint] : []),
    ...(simulator ? [simulator] : []),
    ...(journalLock ? [journalLock] : []),
    journal,
    vipps,
    payments.engine,
    payments.worker,
    payments.reaper,
    new RuntimeMetrics({ registry: metrics.registry, journalPath: config.journal.path }),
  ]
  if (config.reconcile.enabled) components.push(nightlyReconcile(config, { journal, vipps, clock, log }))
  components.push(new LoudWarnings(loudWarnings(config), clock, log.child({ subsystem: 'security' })))

  if (config.admin.enabled) {
    components.push(
      new AdminServer({
        host: config.admin.host,
        port: config.admin.port,
        tokenSha256: secrets.adminTokenHash,
        sources: statusSources,
        metrics,
        log: log.child({ subsystem: 'admin' }),
        clock,
        tls: config.admin.tls,
        maxConnections: config.admin.maxConnections,
        headersTimeoutMs: config.admin.headersTimeoutMs,
      }),
    )
  }

  // Tills come last: by the time one connects, the engine behind the gateway is running, and on
  // stop the tills are told 1001 before anything behind them goes away.
  const gateway = new TillGateway({
    config: config.gateway,
    tillTokenHashes: secrets.tillTokenHashes,
    previousTillTokenHashes: secrets.previousTillTokenHashes,
    payments: overrides.payments ?? breakOnPurpose(payments.engine, hooks),
    provider: overrides.providerHealth ?? vipps.health,
    providerKind: config.provider.kind,
    clock,
    log: log.child({ subsystem: 'gateway' }),
    countRefusal: (listener, reason) => metrics.countRefusal(listener, reason),
    ...(trace ? { trace } : {}),
  })
  components.push(gateway)
  statusSources.tills = () => gateway.tillStatus()

  // Last to start, first to stop: READY=1 only when everything before it is up.
  components.push(
    new SystemdIntegration({
      notifier: createNotifier(runtime.env, runtime.pid),
      env: runtime.env,
      pid: runtime.pid,
      clock,
      log: log.child({ subsystem: 'systemd' }),
      probes: [() => journal.probeWrite()],
      status: () => 'accepting tills',
    }),
  )

  return {
    config,
    secrets,
    clock,
    log,
    redactor,
    fetch: fetchImpl,
    fatal,
    journal,
    payments: payments.engine,
    gateway,
    vipps,
    components,
    simulator,
    readiness,
    metrics,
    statusSources,
    startup,
  }
}
