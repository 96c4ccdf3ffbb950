/**
 * Every long-lived part of the daemon. Constructors only store their dependencies; all I/O,
 * timers and sockets begin in `start()` and end in `stop()`.
 */
export interface Component {
  readonly name: string
  start(): Promise<void>
  stop(): Promise<void>
  /** What it listens on once started, if it serves anything. */
  listening?(): ListenInfo[]
}

/** Something a component listens on, reported in the `ready` log line. */
export interface ListenInfo {
  name: string
  url: string
}
