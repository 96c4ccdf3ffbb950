import { FINAL_STATUSES, type Payment, type PaymentStatus } from '../protocol/index.js'
import { TillClientError } from './errors.js'

interface Waiter {
  key: string
  wanted: readonly PaymentStatus[]
  resolve: (payment: Payment) => void
  reject: (err: Error) => void
  timer: ReturnType<typeof setTimeout>
}

/**
 * The newest state the client has seen of each payment (from events and results), and the
 * callers of waitFor() waiting for one of them to reach a status.
 */
export class PaymentWatch {
  readonly #latest = new Map<string, Payment>()
  readonly #waiters = new Set<Waiter>()

  latest(key: string): Payment | undefined {
    return this.#latest.get(key)
  }

  /** Records a payment state; older states (by updatedAt) never replace newer ones. */
  see(payment: Payment): void {
    const known = this.#latest.get(payment.key)
    if (known && known.updatedAt > payment.updatedAt) return
    this.#latest.set(payment.key, payment)
    for (const waiter of this.#waiters) if (waiter.key === payment.key) this.#check(waiter, payment)
  }

  wait(key: string, wanted: readonly PaymentStatus[], timeoutMs: number): Promise<Payment> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        key,
        wanted,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#waiters.delete(waiter)
          const status = this.#latest.get(key)?.status ?? 'unknown'
          reject(
            new TillClientError(
              'TIMEOUT',
              `payment ${key} is ${status}, not ${wanted.join('/')}, after ${timeoutMs} ms`,
              true,
            ),
          )
        }, timeoutMs),
      }
      this.#waiters.add(waiter)
      const known = this.#latest.get(key)
      if (known) this.#check(waiter, known)
    })
  }

  /** Rejects every waiter (the client is closing). */
  failAll(err: Error): void {
    for (const waiter of this.#waiters) {
      clearTimeout(waiter.timer)
      waiter.reject(err)
    }
    this.#waiters.clear()
  }

  #check(waiter: Waiter, payment: Payment): void {
    if (waiter.wanted.includes(payment.status)) {
      this.#settle(waiter)
      waiter.resolve(payment)
      return
    }
    // A captured payment can still be refunded; every other final status is the end.
    const refundAhead =
      payment.status === 'captured' && waiter.wanted.some((s) => s === 'refunded' || s === 'partially_refunded')
    if (FINAL_STATUSES.includes(payment.status) && !refundAhead) {
      this.#settle(waiter)
      waiter.reject(new TillClientError('ENDED', `payment ${payment.key} ended ${payment.status}`, false, payment))
    }
  }

  #settle(waiter: Waiter): void {
    clearTimeout(waiter.timer)
    this.#waiters.delete(waiter)
  }
}
