import { TillbridgeError } from '../shared/errors.js'
import type { TestHooks } from '../shared/test-hooks.js'
import type { PaymentsApi } from './api.js'

/**
 * The payments API as two deliberately broken builds see it, so the chaos checker can show it
 * fails them (TILLBRIDGE_TEST_HOOKS; never in production):
 * - refuse-creates: a lazy daemon that accepts nothing. Nothing is ever wrong at Vipps, so only
 *   the checker's minimum of work done can catch it.
 * - wrong-amount: reserves (and so captures) 100 øre more than the till asked, and tells the till
 *   that consistently; only comparing the till's request with Vipps' amounts catches it.
 * With no hook on, the API is returned as it is.
 */
export function breakOnPurpose(api: PaymentsApi, hooks: Pick<TestHooks, 'refuseCreates' | 'wrongAmount'>): PaymentsApi {
  if (!hooks.refuseCreates && !hooks.wrongAmount) return api
  return {
    create: (tillId, input) => {
      if (hooks.refuseCreates) {
        return Promise.reject(
          new TillbridgeError('UNAVAILABLE', 'this build refuses every payment', { retryable: false }),
        )
      }
      return api.create(tillId, { ...input, amount: { ...input.amount, value: input.amount.value + 100 } })
    },
    get: (tillId, key) => api.get(tillId, key),
    cancel: (tillId, key) => api.cancel(tillId, key),
    capture: (tillId, key, amount) => api.capture(tillId, key, amount),
    refund: (tillId, key, refundKey, amount) => api.refund(tillId, key, refundKey, amount),
    eventsAfter: (tillId, afterSeq, limit) => api.eventsAfter(tillId, afterSeq, limit),
    lastSeq: (tillId) => api.lastSeq(tillId),
    ack: (tillId, seq) => api.ack(tillId, seq),
    onEvent: (listener) => api.onEvent(listener),
  }
}
