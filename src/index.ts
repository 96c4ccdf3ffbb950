/** The package's library entry: what other programs may import from tillbridge. */
export { DAEMON_ERROR_CODES, type ErrorCode, TILL_ERROR_CODES, TillbridgeError } from './shared/errors.js'
export { EXIT } from './shared/exit-codes.js'
