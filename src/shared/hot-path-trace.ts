import { createWriteStream, type WriteStream } from 'node:fs'
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks'
import type { Component } from './lifecycle.js'

/**
 * The hot path of one sale, in the order it happens: the till's `payment.create` parsed, its
 * accept COMMITted, the worker running its create, the intent (attempt) COMMITted, the request
 * handed to fetch, the answer back, the result COMMITted, and the `pending` event written to the
 * till's socket. Each is a monotonic time (performance.now()), so the gaps between them say where
 * the milliseconds of a sale go.
 */
export const TRACE_STAGES = [
  'frameParsed',
  'acceptCommitted',
  'workerWoken',
  'intentCommitted',
  'requestSent',
  'answerReceived',
  'resultCommitted',
  'eventWritten',
] as const

export type TraceStage = (typeof TRACE_STAGES)[number]

/** A sale is named by its till and the till's key: every stage knows both. */
export interface HotPathTrace {
  mark(tillId: string, key: string, stage: TraceStage): void
}

/** Off, the default: nothing is allocated or timed. */
export const NO_TRACE: HotPathTrace = { mark() {} }

/** Sales that never reach `pending` (refused, expired) must not pile up while tracing. */
const MAX_OPEN = 10_000

/** The event-loop delay monitor's period. */
const DELAY_RESOLUTION_MS = 10

/** One finished sale: its stamps in TRACE_STAGES order (NaN for a stage not seen). */
export type TraceRecord = number[]

/** The file's last line: the event loop's delay over the daemon's life, in ms. */
export interface EventLoopDelayLine {
  eventLoopDelayMs: { p50: number; p99: number; max: number; samples: number }
}

/**
 * Traces every sale whose `payment.create` it sees and writes each finished one (its `pending`
 * event written) as a JSON array of stamps, one line each, to `file`. Only for benchmarks and
 * diagnosis (TILLBRIDGE_TRACE_FILE): the stream writes on libuv's thread, off the hot path.
 * On stop it adds the event loop's delay over the daemon's life (EventLoopDelayLine).
 */
export class FileHotPathTrace implements HotPathTrace, Component {
  readonly name = 'hot-path-trace'
  readonly #file: string
  readonly #open = new Map<string, TraceRecord>()
  #out: WriteStream | undefined
  #delay: IntervalHistogram | undefined

  constructor(file: string) {
    this.#file = file
  }

  async start(): Promise<void> {
    this.#out = createWriteStream(this.#file, { flags: 'a' })
    this.#delay = monitorEventLoopDelay({ resolution: DELAY_RESOLUTION_MS })
    this.#delay.enable()
  }

  async stop(): Promise<void> {
    const out = this.#out
    this.#out = undefined
    const delay = this.#delay
    if (delay && out) {
      delay.disable()
      // The histogram holds the time between its timer's runs: the delay is what exceeds the period.
      const ms = (ns: number) => Math.max(0, Math.round(ns / 1e4) / 100 - DELAY_RESOLUTION_MS)
      const line: EventLoopDelayLine = {
        eventLoopDelayMs: {
          p50: ms(delay.percentile(50)),
          p99: ms(delay.percentile(99)),
          max: ms(delay.max),
          samples: delay.count,
        },
      }
      out.write(`${JSON.stringify(line)}\n`)
    }
    if (out) await new Promise<void>((resolve) => out.end(resolve))
  }

  mark(tillId: string, key: string, stage: TraceStage): void {
    const now = performance.now()
    const id = `${tillId}\n${key}`
    let record = this.#open.get(id)
    if (stage === 'frameParsed') {
      // A till's repeated create (a replay) starts no new trace.
      if (record) return
      if (this.#open.size >= MAX_OPEN) this.#open.delete(this.#open.keys().next().value as string)
      record = TRACE_STAGES.map(() => Number.NaN)
      this.#open.set(id, record)
    }
    if (!record) return
    const i = TRACE_STAGES.indexOf(stage)
    // The first time counts: a retried create does not move its intent stamp.
    if (Number.isNaN(record[i])) record[i] = now
    if (stage === 'eventWritten') {
      this.#open.delete(id)
      this.#out?.write(`${JSON.stringify(record)}\n`)
    }
  }
}
