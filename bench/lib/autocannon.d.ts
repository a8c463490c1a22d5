/**
 * The part of autocannon's API the benchmarks use (it ships no types).
 */
declare module 'autocannon' {
  type Histogram = {
    average: number
    mean: number
    stddev: number
    min: number
    max: number
    total: number
    p50: number
    p90: number
    p97_5: number
    p99: number
    p99_9: number
  }

  type RawRequest = {
    method?: string
    path?: string
    headers?: Record<string, string>
    body?: string | Buffer
  }

  type Options = {
    url: string
    connections?: number
    duration?: number
    amount?: number
    overallRate?: number
    timeout?: number
    method?: string
    headers?: Record<string, string>
    requests?: (RawRequest & {
      setupRequest?: (request: RawRequest, context: Record<string, unknown>) => RawRequest
      onResponse?: (status: number, body: string, context: Record<string, unknown>) => void
    })[]
  }

  type Result = {
    'requests': Histogram
    'latency': Histogram
    'throughput': Histogram
    'duration': number
    'errors': number
    'timeouts': number
    'non2xx': number
    '2xx': number
    'start': Date
    'finish': Date
  }

  function autocannon(options: Options): Promise<Result> & { stop(): void }
  export default autocannon
}
