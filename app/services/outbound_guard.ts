import http from 'node:http'
import https from 'node:https'
import dns from 'node:dns'
import { Readable } from 'node:stream'
import { BlockList, isIP, type LookupFunction } from 'node:net'
import app from '@adonisjs/core/services/app'

export type OutboundFailure =
  | 'invalid_url'
  | 'insecure_url'
  | 'blocked_address'
  | 'unreachable'
  | 'timeout'
  | 'http_status'
  | 'too_large'

export class OutboundError extends Error {
  constructor(
    public reason: OutboundFailure,
    message?: string
  ) {
    super(message ?? reason)
  }
}

/**
 * Addresses a URL a tenant gives must never make the server reach: its
 * own machine, the private network, link-local (cloud metadata), and the
 * special-purpose ranges, IPv6 forms that embed an IPv4 address included.
 */
const BLOCKED_RANGES = new BlockList()
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  BLOCKED_RANGES.addSubnet(network, prefix, 'ipv4')
}
for (const [network, prefix] of [
  // IPv4-compatible (deprecated), :: and ::1 among them
  ['::', 96],
  // NAT64, well-known and local-use
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  // Teredo
  ['2001::', 32],
  ['2001:db8::', 32],
  // 6to4
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  BLOCKED_RANGES.addSubnet(network, prefix, 'ipv6')
}

/**
 * Whether the server must not connect to an address. An IPv4-mapped IPv6
 * address (::ffff:127.0.0.1, ::ffff:7f00:1) is judged as its IPv4 form;
 * anything that is not an IP address is blocked.
 */
export function isBlockedAddress(address: string) {
  const family = isIP(address)
  if (family === 4) {
    return BLOCKED_RANGES.check(address, 'ipv4')
  }
  if (family !== 6) {
    return true
  }
  let canonical: string
  try {
    canonical = new URL(`http://[${address}]`).hostname.slice(1, -1)
  } catch {
    return true
  }
  const mapped = canonical.match(/^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/)
  if (mapped) {
    const [high, low] = [Number.parseInt(mapped[1], 16), Number.parseInt(mapped[2], 16)]
    const ipv4 = [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.')
    return BLOCKED_RANGES.check(ipv4, 'ipv4')
  }
  return BLOCKED_RANGES.check(canonical, 'ipv6')
}

export type OutboundPolicy = {
  /**
   * Hosts the operator allows on purpose, private or not: "name" (any
   * port) or "name:port" ("[fd00::1]:8000" for an IPv6 address).
   */
  allowedHosts?: string[]
  /**
   * Refuse plain http (the default in production).
   */
  httpsOnly?: boolean
}

export type DownloadOptions = {
  maxBytes: number
  accept?: string
  timeoutMs?: number
  maxRedirects?: number
}

/**
 * The one way out to a URL a tenant chose (a provider base URL, a CSV's
 * image, a file to send on WhatsApp). `check` judges the URL itself: http
 * or https (https only, in production), no credentials, no IP literal in
 * a blocked range (the URL parser has read decimal, octal and hex forms
 * as the address they mean). Every connection then resolves a host name
 * through a lookup that refuses blocked answers, so the address checked
 * is the address connected to (DNS rebinding cannot slip past), and no
 * connection is reused. Hosts on the allow-list skip the address
 * checks and the https rule.
 */
export class OutboundGuard {
  #allowedHosts: Set<string>
  #httpsOnly: boolean

  constructor(policy: OutboundPolicy = {}) {
    this.#allowedHosts = new Set(
      (policy.allowedHosts ?? []).map((host) => normalizeHost(host)).filter(Boolean)
    )
    this.#httpsOnly = policy.httpsOnly ?? app.inProduction
  }

  /**
   * The URL, parsed, when the server may try it; else an OutboundError
   * (invalid_url, insecure_url or blocked_address).
   */
  check(rawUrl: string) {
    let url: URL
    try {
      url = new URL(rawUrl)
    } catch {
      throw new OutboundError('invalid_url')
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new OutboundError('invalid_url')
    }
    if (url.username || url.password) {
      throw new OutboundError('invalid_url')
    }
    if (this.#allows(url)) {
      return url
    }
    if (this.#httpsOnly && url.protocol !== 'https:') {
      throw new OutboundError('insecure_url')
    }
    const host = url.hostname.replace(/^\[|\]$/g, '')
    if (isIP(host) && isBlockedAddress(host)) {
      throw new OutboundError('blocked_address')
    }
    return url
  }

  /**
   * A `fetch` for an SDK (the `openai` client): the same checks on every
   * request. Redirects are not followed: the 3xx answer is returned.
   */
  fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init)
    const url = this.check(request.url)
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : null
    const headers = Object.fromEntries(request.headers)
    headers['accept-encoding'] = 'identity'
    if (body) headers['content-length'] = String(body.byteLength)

    const response = await this.#request(url, {
      method: request.method,
      headers,
      body,
      signal: request.signal,
    })
    const status = response.statusCode ?? 502
    const answerHeaders = new Headers()
    for (let index = 0; index < response.rawHeaders.length; index += 2) {
      answerHeaders.append(response.rawHeaders[index], response.rawHeaders[index + 1])
    }
    const bodyless = status === 204 || status === 304 || request.method === 'HEAD'
    if (bodyless) response.resume()
    return new Response(bodyless ? null : (Readable.toWeb(response) as ReadableStream), {
      status,
      statusText: response.statusMessage,
      headers: answerHeaders,
    })
  }

  /**
   * GETs a file: at most `maxRedirects` redirects (each one checked as the
   * first URL), `maxBytes`, and `timeoutMs` for the whole download.
   */
  async download(rawUrl: string, options: DownloadOptions) {
    const { maxBytes, timeoutMs = 10_000, maxRedirects = 3 } = options
    const signal = AbortSignal.timeout(timeoutMs)
    const headers = { 'accept': options.accept ?? '*/*', 'user-agent': 'Atiende/1.0' }
    let url = this.check(rawUrl)

    for (let redirects = 0; ; redirects++) {
      const response = await this.#request(url, { method: 'GET', headers, signal })
      const status = response.statusCode ?? 0

      if (status >= 300 && status < 400 && response.headers.location) {
        response.resume()
        if (redirects >= maxRedirects) {
          throw new OutboundError('http_status', `too many redirects from ${rawUrl}`)
        }
        url = this.check(new URL(response.headers.location, url).toString())
        continue
      }
      if (status !== 200) {
        response.resume()
        throw new OutboundError('http_status', `HTTP ${status}`)
      }
      return {
        bytes: await readBody(response, maxBytes, signal),
        contentType: response.headers['content-type'] ?? null,
      }
    }
  }

  #allows(url: URL) {
    const host = normalizeHost(url.hostname)
    const port = url.port || (url.protocol === 'https:' ? '443' : '80')
    return this.#allowedHosts.has(host) || this.#allowedHosts.has(`${host}:${port}`)
  }

  /**
   * DNS lookup that refuses blocked answers: the socket connects only to
   * the addresses it answers.
   */
  #lookup: LookupFunction = (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) {
        return callback(error, '', 4)
      }
      const list = addresses as dns.LookupAddress[]
      if (list.length === 0 || list.some((entry) => isBlockedAddress(entry.address))) {
        return callback(new OutboundError('blocked_address'), '', 4)
      }
      if (options.all) {
        return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list)
      }
      callback(null, list[0].address, list[0].family)
    })
  }

  #request(
    url: URL,
    options: {
      method: string
      headers: Record<string, string>
      body?: Buffer | null
      signal: AbortSignal
    }
  ) {
    const client = url.protocol === 'https:' ? https : http
    return new Promise<http.IncomingMessage>((resolve, reject) => {
      const request = client.request(
        url,
        {
          method: options.method,
          headers: options.headers,
          signal: options.signal,
          agent: false,
          lookup: this.#allows(url) ? undefined : this.#lookup,
        },
        resolve
      )
      request.on('error', (error) => reject(failure(error, options.signal)))
      request.end(options.body ?? undefined)
    })
  }
}

/**
 * "Name", "name." and "NAME:443" as one spelling: lower case, no final dot.
 */
function normalizeHost(host: string) {
  return host
    .trim()
    .toLowerCase()
    .replace(/\.(?=:\d+$|$)/, '')
}

async function readBody(response: http.IncomingMessage, maxBytes: number, signal: AbortSignal) {
  const declared = Number(response.headers['content-length'])
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy()
    throw new OutboundError('too_large')
  }

  const chunks: Buffer[] = []
  let size = 0
  try {
    for await (const chunk of response) {
      size += (chunk as Buffer).byteLength
      if (size > maxBytes) {
        response.destroy()
        throw new OutboundError('too_large')
      }
      chunks.push(chunk as Buffer)
    }
  } catch (error) {
    throw failure(error, signal)
  }
  return Buffer.concat(chunks)
}

function failure(error: unknown, signal: AbortSignal) {
  if (error instanceof OutboundError) {
    return error
  }
  const cause = (error as { cause?: unknown })?.cause
  if (cause instanceof OutboundError) {
    return cause
  }
  if (signal.aborted) {
    return signal.reason instanceof Error && signal.reason.name !== 'TimeoutError'
      ? signal.reason
      : new OutboundError('timeout')
  }
  return new OutboundError('unreachable', (error as Error)?.message)
}
