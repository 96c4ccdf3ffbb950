/** Process exit codes (sysexits-style where one fits). The README's table lists each one. */
export const EXIT = {
  OK: 0,
  /** An unexpected failure. */
  FAILURE: 1,
  /** `doctor` or `reconcile` found a problem. */
  CHECK_FAILED: 3,
  /** Bad command line (sysexits EX_USAGE). */
  USAGE: 64,
  /** A bug (sysexits EX_SOFTWARE). */
  INTERNAL: 70,
  /** The journal could not be written: SQLITE_IOERR*, SQLITE_FULL, read-only (sysexits EX_IOERR). */
  STORAGE: 74,
  /** Another `tillbridge run` holds the journal's lock (sysexits EX_TEMPFAIL): try again once it stops. */
  JOURNAL_LOCKED: 75,
  /** Bad configuration or an unreadable secret (sysexits EX_CONFIG); systemd must not restart. */
  CONFIG: 78,
  /** The journal's schema does not match the code: an edited migration or a newer database. */
  SCHEMA: 79,
} as const

export type ExitCode = (typeof EXIT)[keyof typeof EXIT]
