import type { FakeEvolution, GatewayRequest } from '#tests/helpers/fake_evolution'

/**
 * Calls `onRequest` with the arrival time (performance.now()) of each
 * request the fake gateway records, as it records it (once its body is
 * read).
 */
export function timeGatewayRequests(
  gateway: FakeEvolution,
  onRequest: (request: GatewayRequest, at: number) => void
) {
  const requests: GatewayRequest[] = []
  requests.push = (...items: GatewayRequest[]) => {
    const at = performance.now()
    for (const item of items) onRequest(item, at)
    return Array.prototype.push.apply(requests, items)
  }
  gateway.requests = requests
}

/**
 * The customer's number a sendText goes to.
 */
export function recipientOf(request: GatewayRequest) {
  return String(request.body?.number ?? '').split('@')[0]
}

/**
 * Resolves when a sendText reaches the fake gateway for a number.
 */
export class SendWaiter {
  #waiting = new Map<string, { after: number; resolve: (at: number) => void }>()
  #arrivals = new Map<string, number[]>()
  #count = 0

  constructor(gateway: FakeEvolution) {
    timeGatewayRequests(gateway, (request, at) => {
      if (!request.path.startsWith('/message/sendText')) return
      const phone = recipientOf(request)
      this.#count += 1
      this.#arrivals.set(phone, [...(this.#arrivals.get(phone) ?? []), at])
      const waiting = this.#waiting.get(phone)
      if (waiting && at > waiting.after) waiting.resolve(at)
    })
  }

  /**
   * The time the first reply to `phone` after `after` (a performance.now()
   * time) arrived, now or later.
   */
  replyTo(phone: string, timeoutMs: number, after = 0) {
    const known = this.#arrivals.get(phone)?.find((at) => at > after)
    if (known !== undefined) return Promise.resolve(known)
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(phone)
        reject(new Error(`no reply to ${phone} within ${timeoutMs} ms`))
      }, timeoutMs)
      this.#waiting.set(phone, {
        after,
        resolve: (at) => {
          clearTimeout(timer)
          this.#waiting.delete(phone)
          resolve(at)
        },
      })
    })
  }

  /**
   * Replies sent so far, to anyone.
   */
  get sent() {
    return this.#count
  }
}
