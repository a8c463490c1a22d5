import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import db from '@adonisjs/lucid/services/db'
import sharp from 'sharp'
import type { DateTime } from 'luxon'
import type Business from '#models/business'

/**
 * Real, tiny images (1×1 pixel) and files that only pretend to be images.
 */
export const images = {
  png: Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    'base64'
  ),
  webp: Buffer.from('UklGRiQAAABXRUJQVlA4IBgAAAAwAQCdASoBAAEAAwA0JaQAA3AA/vuUAAA=', 'base64'),
  jpeg: Buffer.from(
    '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q==',
    'base64'
  ),
  /**
   * A text file named like a photo.
   */
  fakeJpeg: Buffer.from('<?php echo "not an image"; ?>\n'),
  /**
   * HTML pages in an image's frame: a PNG signature, an IHDR chunk's
   * header and an IEND, or a JPEG's start, an APP0 marker and its end
   * marker. Their first and last bytes are an image's; nothing decodes.
   */
  htmlInPng: Buffer.concat([
    Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
    Buffer.from('<html><script>alert(document.cookie)</script></html>'),
    Buffer.from('IEND'),
  ]),
  htmlInJpeg: Buffer.concat([
    Buffer.from('ffd8ffe0', 'hex'),
    Buffer.from('<html><script>alert(document.cookie)</script></html>'),
    Buffer.from('ffd9', 'hex'),
  ]),
  /**
   * Starts like a JPEG and is larger than 5 MB.
   */
  huge: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(5 * 1024 * 1024 + 10)]),
}

/**
 * What is seen of an image: its format and size. A stored upload is the
 * image written again, so its bytes are not the ones sent; this is what
 * it keeps of them.
 */
export async function imageShape(bytes: Uint8Array) {
  const { format, width, height } = await sharp(bytes).metadata()
  return { format, width, height }
}

export async function createProduct(
  business: Business,
  fields: Partial<{
    title: string
    description: string | null
    price: string
    sku: string | null
    stock: number | null
    active: boolean
    imageKey: string | null
    /**
     * Products made one after another can share a millisecond: a test
     * that relies on "newest first" says when each was created.
     */
    createdAt: DateTime
  }> = {}
) {
  return business.related('products').create({
    title: fields.title ?? 'Producto de prueba',
    description: fields.description ?? null,
    price: fields.price ?? '100.00',
    sku: fields.sku ?? null,
    stock: fields.stock ?? null,
    active: fields.active ?? true,
    imageKey: fields.imageKey ?? null,
    ...(fields.createdAt ? { createdAt: fields.createdAt } : {}),
  })
}

export async function countProducts(business: Business) {
  const [{ total }] = await db
    .from('products')
    .where('business_id', business.id)
    .count('* as total')
  return Number(total)
}

/**
 * A web server on 127.0.0.1 playing the sites a CSV's image_url points
 * at: images, a text file, a huge file, a redirect, a missing file and a
 * server that never answers.
 */
export class ImageHost {
  requests: string[] = []
  #server?: Server

  get origin() {
    const { port } = this.#server!.address() as AddressInfo
    return `http://127.0.0.1:${port}`
  }

  url(path: string) {
    return `${this.origin}${path}`
  }

  async start() {
    this.#server = createServer((req, res) => this.#handle(req, res))
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve))
    return this
  }

  async stop() {
    this.#server?.closeAllConnections()
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()))
  }

  #handle(req: IncomingMessage, res: ServerResponse) {
    const path = req.url ?? '/'
    this.requests.push(path)
    const send = (status: number, type: string, body: Buffer | string) => {
      res.writeHead(status, { 'content-type': type })
      res.end(body)
    }
    switch (path) {
      case '/zapato.png':
        return send(200, 'image/png', images.png)
      case '/gorra.webp':
        return send(200, 'image/webp', images.webp)
      case '/camisa.jpg':
        return send(200, 'image/jpeg', images.jpeg)
      case '/disguised.jpg':
        return send(200, 'image/jpeg', images.fakeJpeg)
      case '/huge.jpg':
        return send(200, 'image/jpeg', images.huge)
      case '/moved.png':
        res.writeHead(302, { location: '/zapato.png' })
        return res.end()
      case '/slow.png':
        return
      default:
        return send(404, 'text/plain', 'not found')
    }
  }
}

/**
 * An S3-protocol server (s3rver) on 127.0.0.1:4569 — the endpoint
 * .env.test gives the s3 disk — storing in a temporary folder.
 */
export async function startS3rver() {
  const moduleName = 's3rver'
  const { default: S3rver } = (await import(moduleName)) as {
    default: new (options: Record<string, unknown>) => {
      run(): Promise<unknown>
      close(): Promise<void>
    }
  }
  const directory = await mkdtemp(join(tmpdir(), 'atiende-s3rver-'))
  const server = new S3rver({ address: '127.0.0.1', port: 4569, silent: true, directory })
  await server.run()
  return async () => {
    await server.close()
    await rm(directory, { recursive: true, force: true })
  }
}
