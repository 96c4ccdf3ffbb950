import QRCode from 'qrcode'
import { qrTargetUrl } from './epayment-routes.js'
import type { Answer, SimRequest } from './http-io.js'
import { problems } from './problem.js'
import type { SimState } from './sim-state.js'

/**
 * `GET /_sim/qr/{token}`: the QR image a QR payment's `redirectUrl` points at, in the format the
 * create request asked for, so a till developer can show it on a screen.
 */
export async function qrImage(state: SimState, req: SimRequest): Promise<Answer> {
  const token = req.params.token ?? ''
  const payment = state.ledger.all().find((p) => p.token === token && p.qrFormat)
  if (!payment?.qrFormat) throw problems.notFound('No QR payment with this token')
  const target = qrTargetUrl(token)
  if (payment.qrFormat.format === 'IMAGE/PNG') {
    const png = await QRCode.toBuffer(target, { type: 'png', width: payment.qrFormat.size })
    return { status: 200, contentType: 'image/png', body: png }
  }
  return { status: 200, contentType: 'image/svg+xml', body: await QRCode.toString(target, { type: 'svg' }) }
}
