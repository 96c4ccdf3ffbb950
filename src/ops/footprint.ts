import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { getHeapCodeStatistics, getHeapSpaceStatistics } from 'node:v8'
import type { Clock, TimerHandle } from '../shared/clock.js'
import type { Component } from '../shared/lifecycle.js'
import type { StartupMark, StartupTimeline } from '../shared/startup-timeline.js'

/** Where the daemon's memory is, in bytes, as the kernel and V8 count it. */
export interface MemorySplit {
  /** VmRSS, and its file-backed part (the node binary and libraries: shared, paged in) and the rest. */
  rss: number
  rssFile: number
  rssAnon: number
  heapUsed: number
  heapTotal: number
  /** Memory of C++ objects bound to JS objects (sockets' buffers, zlib, SQLite statements). */
  external: number
  arrayBuffers: number
  /** Compiled code and bytecode, and the source text V8 keeps of every loaded module. */
  code: number
  bytecode: number
  scriptSource: number
  /** V8's heap by space (new_space, old_space, code_space, large_object_space, …): bytes in use. */
  heapSpaces: Record<string, number>
}

/** The file's content: rewritten whole, so it is always the latest snapshot. */
export interface FootprintSnapshot {
  /** ms since the process began. */
  atMs: number
  /** Node's version and the flags it runs with (NODE_FLAGS, from the #! line or the unit). */
  node: string
  nodeFlags: string[]
  startup: readonly StartupMark[]
  memory: MemorySplit
}

export interface FootprintFileOptions {
  file: string
  timeline: StartupTimeline
  clock: Clock
  intervalMs?: number
  /** /proc/self/status; injectable for a test. */
  readStatus?: () => string
  /** process.memoryUsage; injectable for a test. */
  memoryUsage?: () => NodeJS.MemoryUsage
}

/** Benchmarks and diagnosis only (TILLBRIDGE_FOOTPRINT_FILE): a snapshot a second, and one at stop. */
export class FootprintFile implements Component {
  readonly name = 'footprint-file'
  readonly #o: FootprintFileOptions
  #timer: TimerHandle | undefined

  constructor(options: FootprintFileOptions) {
    this.#o = options
  }

  async start(): Promise<void> {
    const tick = () => {
      this.write()
      this.#timer = this.#o.clock.setTimeout(tick, this.#o.intervalMs ?? 1000)
    }
    this.#timer = this.#o.clock.setTimeout(tick, this.#o.intervalMs ?? 1000)
  }

  async stop(): Promise<void> {
    if (this.#timer) this.#o.clock.clearTimeout(this.#timer)
    this.#timer = undefined
    this.write()
  }

  /** Written to a temporary name and renamed, so a reader never sees half a snapshot. */
  write(): void {
    const snapshot: FootprintSnapshot = {
      atMs: Math.round(performance.now()),
      node: process.version,
      nodeFlags: process.execArgv,
      startup: this.#o.timeline.marks,
      memory: memorySplit(
        this.#o.readStatus ?? (() => readFileSync('/proc/self/status', 'utf8')),
        this.#o.memoryUsage ?? (() => process.memoryUsage()),
      ),
    }
    writeFileSync(`${this.#o.file}.tmp`, `${JSON.stringify(snapshot)}\n`)
    renameSync(`${this.#o.file}.tmp`, this.#o.file)
  }
}

export function memorySplit(readStatus: () => string, memoryUsage: () => NodeJS.MemoryUsage): MemorySplit {
  const usage = memoryUsage()
  let status = ''
  try {
    status = readStatus()
  } catch {
    // Not Linux: only the total is known.
  }
  const kb = (key: string) => {
    const value = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]
    return value === undefined ? Number.NaN : Number(value) * 1024
  }
  const code = getHeapCodeStatistics()
  return {
    rss: Number.isNaN(kb('VmRSS')) ? usage.rss : kb('VmRSS'),
    rssFile: kb('RssFile'),
    rssAnon: kb('RssAnon'),
    heapUsed: usage.heapUsed,
    heapTotal: usage.heapTotal,
    external: usage.external,
    arrayBuffers: usage.arrayBuffers,
    code: code.code_and_metadata_size,
    bytecode: code.bytecode_and_metadata_size,
    scriptSource: code.external_script_source_size,
    heapSpaces: Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, s.space_used_size])),
  }
}
