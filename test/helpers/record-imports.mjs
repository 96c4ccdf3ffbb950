// Loaded into a daemon with NODE_OPTIONS=--import=<this file>: every module URL the process
// resolves (static imports and import() alike) is appended, one a line, to $RECORD_IMPORTS_FILE.
// The hooks run on Node's loader thread, so they are registered from a file of their own.
import { register } from 'node:module'

register('./record-imports-hooks.mjs', import.meta.url, { data: { file: process.env.RECORD_IMPORTS_FILE } })
