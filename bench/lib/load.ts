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
 * Posts generated bodies to `url` for `seconds`: as fast as `connections`
 * allow, or at `rate` requests per second in all (latencies then corrected
 * for coordinated omission, autocannon's default).
 */
export async function postLoad(options: {
  url: string
  path: string
  headers: Record<string, string>
  body: () => string
  seconds: number
  connections: number
  rate?: number
  /**
   * Stop after this many requests instead of after `seconds`.
   */
  amount?: number
}): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    amount: options.amount,
    overallRate: options.rate,
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
