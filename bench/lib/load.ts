import { Agent, request as httpRequest } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import autocannon from 'autocannon'

export type LoadResult = {
  /**
   * Successful (2xx) answers per second over the run.
   */
  rps: number
  p50: number
  p90: number
  p99: number
  max: number
  ok: number
  failed: number
  seconds: number
}

/**
 * A load phase: generated bodies posted to `url` + `path` for `seconds`
 * over `connections` connections.
 */
export type Phase = {
  url: string
  path: string
  headers: Record<string, string>
  body: () => string
  seconds: number
  connections: number
}

/**
 * As fast as the connections allow (autocannon, closed loop).
 */
export async function postLoad(
  options: Phase & {
    /**
     * Stop after this many requests instead of after `seconds`.
     */
    amount?: number
  }
): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    amount: options.amount,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: options.path,
        headers: { 'content-type': 'application/json', ...options.headers },
        setupRequest: (request) => ({ ...request, body: options.body() }),
      },
    ],
  })
  return {
    rps: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    ok: result['2xx'],
    failed: result.non2xx + result.errors,
    seconds: result.duration,
  }
}

/**
 * Posts at a steady `rate` per second for `seconds`: one request every
 * 1000 / rate ms, open loop (a slow answer never delays the next request),
 * over at most `connections` keep-alive connections. Each latency runs from
 * the moment its request was due, so waiting for a free connection counts.
 *
 * autocannon's own rate limit is not used for these figures: it lets each
 * connection send its share of a second at once when the second starts, so
 * 300/s arrives as bursts of 300 and the percentiles measure the burst.
 */
export async function pacedLoad(options: Phase & { rate: number }): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections })
  const target = new URL(options.path, options.url)
  const intervalMs = 1000 / options.rate
  const total = Math.round(options.seconds * options.rate)
  const latencies: number[] = []
  let ok = 0
  let failed = 0
  const inFlight: Promise<void>[] = []

  const send = (dueAt: number) =>
    new Promise<void>((resolve) => {
      const payload = options.body()
      const request = httpRequest(
        target,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
            ...options.headers,
          },
          timeout: 30_000,
        },
        (response) => {
          response.resume()
          response.on('end', () => {
            latencies.push(performance.now() - dueAt)
            if (response.statusCode! >= 200 && response.statusCode! < 300) ok += 1
            else failed += 1
            resolve()
          })
        }
      )
      request.on('error', () => {
        failed += 1
        resolve()
      })
      request.end(payload)
    })

  const started = performance.now()
  for (let index = 0; index < total; index++) {
    const dueAt = started + index * intervalMs
    const wait = dueAt - performance.now()
    if (wait > 1) await sleep(wait - 0.5)
    while (performance.now() < dueAt) await new Promise((resolve) => setImmediate(resolve))
    inFlight.push(send(dueAt))
  }
  await Promise.all(inFlight)
  const seconds = (performance.now() - started) / 1000
  agent.destroy()
  latencies.sort((a, b) => a - b)
  const at = (p: number) =>
    latencies.length === 0
      ? 0
      : latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)]
  return {
    rps: ok / seconds,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    max: latencies.at(-1) ?? 0,
    ok,
    failed,
    seconds,
  }
}
