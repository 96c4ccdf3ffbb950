import { SIMULATOR_DEMO_CREDENTIALS as DEMO } from '../../src/simulator/demo.js'

/** A POST straight to the simulator's ePayment API with the demo keys, as the daemon sends one. */
export type DirectPost = (path: string, body: string, idempotencyKey: string) => Promise<Response>

export async function directVipps(baseUrl: string): Promise<DirectPost> {
  const tokenRes = await fetch(`${baseUrl}/accesstoken/get`, {
    method: 'POST',
    headers: {
      client_id: DEMO.clientId,
      client_secret: DEMO.clientSecret,
      'ocp-apim-subscription-key': DEMO.subscriptionKey,
    },
  })
  if (tokenRes.status !== 200) throw new Error(`access token: ${tokenRes.status}`)
  const { access_token: token } = (await tokenRes.json()) as { access_token: string }
  return (path, body, idempotencyKey) =>
    fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'ocp-apim-subscription-key': DEMO.subscriptionKey,
        'merchant-serial-number': DEMO.msn,
        'idempotency-key': idempotencyKey,
        'content-type': 'application/json',
      },
      body,
    })
}

/** The push create the daemon sends for the benchmarks' sales (4990 NOK to the simulator's customer). */
export function createBody(reference: string): string {
  return JSON.stringify({
    amount: { currency: 'NOK', value: 4990 },
    paymentMethod: { type: 'WALLET' },
    reference,
    userFlow: 'PUSH_MESSAGE',
    customer: { phoneNumber: '4790000000' },
    customerInteraction: 'CUSTOMER_PRESENT',
  })
}
