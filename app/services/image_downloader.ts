import http from 'node:http'
import https from 'node:https'
import dns from 'node:dns'
import { BlockList, isIP, type LookupFunction } from 'node:net'
import app from '@adonisjs/core/services/app'
import { MAX_IMAGE_BYTES, sniffImage, type ImageKind } from '#services/media_storage'

export type ImageDownloadFailure =
  | 'invalid_url'
  | 'blocked_address'
  | 'unreachable'
  | 'timeout'
  | 'http_status'
  | 'too_large'
  | 'not_an_image'

export class ImageDownloadError extends Error {
  constructor(
    public reason: ImageDownloadFailure,
    message?: string
  ) {
    super(message ?? reason)
  }
}

/**
 * Addresses a URL from a CSV file must never make the server reach: its
 * own machine, the private network, link-local (cloud metadata), and the
 * special-purpose ranges.
 */
const PRIVATE_RANGES = new BlockList()
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
  PRIVATE_RANGES.addSubnet(network, prefix, 'ipv4')
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE_RANGES.addSubnet(network, prefix, 'ipv6')
}

export function isPrivateAddress(address: string) {
  const family = isIP(address)
  if (family === 4) {
    return PRIVATE_RANGES.check(address, 'ipv4')
  }
  if (family === 6) {
    const mapped = address.toLowerCase().match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/)
    if (mapped) {
      return PRIVATE_RANGES.check(mapped[1], 'ipv4')
    }
    return PRIVATE_RANGES.check(address, 'ipv6') || address.toLowerCase().startsWith('::ffff:')
  }
  return true
}

export type ImageDownloaderOptions = {
  /**
   * Tests serve images from 127.0.0.1; production never allows it.
   */
  allowPrivateAddresses: boolean
  timeoutMs: number
  maxBytes: number
  maxRedirects: number
}

/**
 * Fetches product images named by URL (CSV import) over http(s), with a
 * time limit and a size limit, checking the address actually connected to
 * (after DNS, on every redirect) so that a URL cannot make the server
 * reach its own network. The bytes must be a JPEG, PNG or WebP image.
 */
export default class ImageDownloader {
  protected options: ImageDownloaderOptions

  constructor(options: Partial<ImageDownloaderOptions> = {}) {
    this.options = {
      allowPrivateAddresses: app.inTest,
      timeoutMs: 10_000,
      maxBytes: MAX_IMAGE_BYTES,
      maxRedirects: 3,
      ...options,
    }
  }

  async download(rawUrl: string): Promise<{ bytes: Buffer; kind: ImageKind }> {
    const signal = AbortSignal.timeout(this.options.timeoutMs)
    let url = this.#parse(rawUrl)

    for (let redirects = 0; ; redirects++) {
      const response = await this.#get(url, signal)
      const status = response.statusCode ?? 0

      if (status >= 300 && status < 400 && response.headers.location) {
        response.resume()
        if (redirects >= this.options.maxRedirects) {
          throw new ImageDownloadError('http_status', `too many redirects from ${rawUrl}`)
        }
        url = this.#parse(new URL(response.headers.location, url).toString())
        continue
      }
      if (status !== 200) {
        response.resume()
        throw new ImageDownloadError('http_status', `HTTP ${status}`)
      }

      const bytes = await this.#readBody(response, signal)
      const kind = sniffImage(bytes)
      if (!kind) {
        throw new ImageDownloadError('not_an_image')
      }
      return { bytes, kind }
    }
  }

  #parse(rawUrl: string) {
    let url: URL
    try {
      url = new URL(rawUrl)
    } catch {
      throw new ImageDownloadError('invalid_url')
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ImageDownloadError('invalid_url')
    }
    if (url.username || url.password) {
      throw new ImageDownloadError('invalid_url')
    }
    const host = url.hostname.replace(/^\[|\]$/g, '')
    if (isIP(host) && !this.#allowed(host)) {
      throw new ImageDownloadError('blocked_address')
    }
    return url
  }

  #allowed(address: string) {
    return this.options.allowPrivateAddresses || !isPrivateAddress(address)
  }

  /**
   * DNS lookup that refuses private answers: the check applies to the
   * address the socket connects to, so DNS rebinding cannot slip past it.
   */
  #lookup: LookupFunction = (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) {
        return callback(error, '', 4)
      }
      const list = addresses as dns.LookupAddress[]
      if (list.length === 0 || list.some((entry) => !this.#allowed(entry.address))) {
        return callback(new ImageDownloadError('blocked_address'), '', 4)
      }
      if (options.all) {
        return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list)
      }
      callback(null, list[0].address, list[0].family)
    })
  }

  #get(url: URL, signal: AbortSignal) {
    const client = url.protocol === 'https:' ? https : http
    return new Promise<http.IncomingMessage>((resolve, reject) => {
      const request = client.get(
        url,
        {
          lookup: this.#lookup,
          signal,
          headers: { 'accept': 'image/jpeg,image/png,image/webp', 'user-agent': 'Atiende/1.0' },
        },
        resolve
      )
      request.on('error', (error) => reject(this.#failure(error, signal)))
    })
  }

  async #readBody(response: http.IncomingMessage, signal: AbortSignal) {
    const declared = Number(response.headers['content-length'])
    if (Number.isFinite(declared) && declared > this.options.maxBytes) {
      response.destroy()
      throw new ImageDownloadError('too_large')
    }

    const chunks: Buffer[] = []
    let size = 0
    try {
      for await (const chunk of response) {
        size += (chunk as Buffer).byteLength
        if (size > this.options.maxBytes) {
          response.destroy()
          throw new ImageDownloadError('too_large')
        }
        chunks.push(chunk as Buffer)
      }
    } catch (error) {
      throw this.#failure(error, signal)
    }
    return Buffer.concat(chunks)
  }

  #failure(error: unknown, signal: AbortSignal) {
    if (error instanceof ImageDownloadError) {
      return error
    }
    if (signal.aborted) {
      return new ImageDownloadError('timeout')
    }
    const cause = (error as { cause?: unknown })?.cause
    if (cause instanceof ImageDownloadError) {
      return cause
    }
    return new ImageDownloadError('unreachable', (error as Error)?.message)
  }
}
