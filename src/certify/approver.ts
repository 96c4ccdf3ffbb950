import { TillbridgeError } from '../shared/errors.js'
import type { EpaymentApi } from '../vipps/api.js'

/** Plays the customer: approves a payment the way the environment allows without an app. */
export interface Approver {
  /** How it approves, for the report. */
  readonly how: string
  approve(reference: string, flow: 'push' | 'qr'): Promise<void>
}

/**
 * Vipps' test environment: `POST /epayment/v1/test/payments/{reference}/approve` with the test
 * user's number. The client refuses it against production, and so does Vipps.
 */
export function forceApprover(api: EpaymentApi, phoneNumber: string): Approver {
  return {
    how: 'the test-only force-approve endpoint (POST /epayment/v1/test/payments/{reference}/approve)',
    approve: (reference) => api.testApprove(reference, { customer: { phoneNumber } }),
  }
}

/** The embedded simulator: its control API, where a QR payment is scanned and a push one approved. */
export function simulatorApprover(baseUrl: () => string, fetchImpl: typeof globalThis.fetch): Approver {
  return {
    how: "the simulator's control API (POST /_sim/payments/{reference}/approve | scan)",
    async approve(reference, flow) {
      const action = flow === 'qr' ? 'scan' : 'approve'
      const url = `${baseUrl()}/_sim/payments/${encodeURIComponent(reference)}/${action}`
      const response = await fetchImpl(url, { method: 'POST' })
      if (!response.ok) {
        throw new TillbridgeError('PROVIDER_REJECTED', `the simulator would not ${action}: ${await response.text()}`)
      }
    },
  }
}
