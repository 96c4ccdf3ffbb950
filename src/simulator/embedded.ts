import { TillbridgeError } from '../shared/errors.js'
import type { Component, ListenInfo } from '../shared/lifecycle.js'
import type { SimulatorOptions } from './options.js'
import type { Simulator } from './simulator.js'

/**
 * The simulator inside the daemon (provider.kind `simulator`). Its code (routes, ledger, zod
 * schemas, QR rendering: several MB and tens of ms) is imported only in start(), so a daemon
 * talking to Vipps never loads it. This file imports nothing of the simulator but types.
 */
export class EmbeddedSimulator implements Component {
  readonly name = 'simulator'
  readonly #options: SimulatorOptions
  #simulator: Simulator | undefined

  constructor(options: SimulatorOptions) {
    this.#options = options
  }

  /** The simulator itself, once started. */
  get instance(): Simulator | undefined {
    return this.#simulator
  }

  /** `http://host:port`, valid once started. */
  get baseUrl(): string {
    if (!this.#simulator) throw new TillbridgeError('INTERNAL', 'the simulator has not been started')
    return this.#simulator.baseUrl
  }

  async start(): Promise<void> {
    const { Simulator } = await import('./simulator.js')
    this.#simulator ??= new Simulator(this.#options)
    await this.#simulator.start()
  }

  async stop(): Promise<void> {
    await this.#simulator?.stop()
  }

  listening(): ListenInfo[] {
    return this.#simulator?.listening() ?? []
  }
}
