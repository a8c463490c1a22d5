import { createWriteStream, type WriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { IncomingMessage } from 'node:http'

/**
 * A file the gateway inlined in a delivery, decoded to a temporary file as
 * it arrived. `truncated`: it was over the cap, and only its size is known.
 */
export type InlinedFile = { path: string; bytes: number; truncated: boolean }

export class WebhookBodyError extends Error {
  constructor(
    message: string,
    public status: 400 | 413
  ) {
    super(message)
  }
}

const FILE_VALUE = Buffer.from('"base64":"')
const QUOTE = 0x22
const BACKSLASH = 0x5c

/**
 * The marker left in the JSON where a file's base64 was.
 */
export const FILE_MARKER = '@inlined-file:'

/**
 * Reads a webhook delivery without holding its file in memory: the gateway
 * inlines a whole video as one base64 string (a 60 MB video is an 80 MB
 * body). Every `"base64":"…"` value longer than `inlineBytes` is decoded
 * straight to a temporary file, up to `maxFileBytes` (then only counted),
 * and replaced in the JSON by a marker; the rest of the JSON is parsed as
 * usual and may be at most `maxJsonBytes`.
 *
 * The pattern can only match a real key: inside a JSON string a quote is
 * always escaped, so `"base64":"` with unescaped quotes is structure.
 */
export async function readWebhookBody(
  request: IncomingMessage,
  options: { maxJsonBytes: number; maxFileBytes: number; inlineBytes?: number }
) {
  const inlineBytes = options.inlineBytes ?? 1024 * 1024
  const json: Buffer[] = []
  let jsonBytes = 0
  const files: InlinedFile[] = []
  let directory: string | null = null

  /**
   * Inside a base64 value: what is held before deciding it is a file,
   * then the file being written.
   */
  let value: { held: Buffer[]; heldBytes: number; file: FileSink | null } | null = null
  let tail = Buffer.alloc(0)

  const keep = (bytes: Buffer) => {
    jsonBytes += bytes.length
    if (jsonBytes > options.maxJsonBytes) {
      throw new WebhookBodyError('Webhook body too large', 413)
    }
    json.push(bytes)
  }

  const spill = async (current: NonNullable<typeof value>) => {
    directory ??= await mkdtemp(join(tmpdir(), 'atiende-webhook-'))
    const file: InlinedFile = {
      path: join(directory, `${files.length}.bin`),
      bytes: 0,
      truncated: false,
    }
    files.push(file)
    current.file = new FileSink(file, options.maxFileBytes)
    for (const held of current.held) await current.file.write(held)
    current.held = []
  }

  const close = async (current: NonNullable<typeof value>) => {
    if (current.file) {
      await current.file.end()
      keep(Buffer.from(`${FILE_MARKER}${files.length - 1}"`))
    } else {
      for (const held of current.held) keep(held)
      keep(Buffer.from('"'))
    }
  }

  try {
    for await (const incoming of request) {
      let chunk = incoming as Buffer
      while (chunk.length > 0) {
        if (value) {
          const end = chunk.indexOf(QUOTE)
          const part = end === -1 ? chunk : chunk.subarray(0, end)
          if (value.file) {
            await value.file.write(part)
          } else {
            value.held.push(part)
            value.heldBytes += part.length
            if (value.heldBytes > inlineBytes) await spill(value)
          }
          if (end === -1) break
          await close(value)
          value = null
          chunk = chunk.subarray(end + 1)
          continue
        }

        const scanned = tail.length > 0 ? Buffer.concat([tail, chunk]) : chunk
        const at = findValue(scanned)
        if (at === -1) {
          /**
           * Keep the last bytes back: the pattern may straddle two chunks.
           */
          const safe = Math.max(0, scanned.length - (FILE_VALUE.length - 1))
          keep(Buffer.from(scanned.subarray(0, safe)))
          tail = Buffer.from(scanned.subarray(safe))
          break
        }
        const start = at + FILE_VALUE.length
        keep(Buffer.from(scanned.subarray(0, start)))
        tail = Buffer.alloc(0)
        value = { held: [], heldBytes: 0, file: null }
        chunk = scanned.subarray(start)
      }
    }
    if (value) throw new WebhookBodyError('Invalid webhook: unterminated string', 400)
    keep(tail)

    let body: unknown
    try {
      /**
       * A lone UTF-16 surrogate (JSON allows the escape, WhatsApp never
       * sends one) becomes U+FFFD: PostgreSQL refuses it in text and jsonb.
       */
      body = JSON.parse(Buffer.concat(json, jsonBytes).toString('utf8'), (_key, parsed) =>
        typeof parsed === 'string' && !parsed.isWellFormed() ? parsed.toWellFormed() : parsed
      )
    } catch {
      throw new WebhookBodyError('Invalid webhook: malformed JSON', 400)
    }
    return {
      body,
      files,
      cleanup: () =>
        directory ? rm(directory, { recursive: true, force: true }) : Promise.resolve(),
    }
  } catch (error) {
    const pending = value as { file: FileSink | null } | null
    await pending?.file?.end().catch(() => {})
    if (directory) await rm(directory, { recursive: true, force: true })
    throw error
  }
}

function findValue(bytes: Buffer) {
  let from = 0
  for (;;) {
    const at = bytes.indexOf(FILE_VALUE, from)
    if (at === -1) return -1
    let backslashes = 0
    for (let index = at - 1; index >= 0 && bytes[index] === BACKSLASH; index--) backslashes++
    if (backslashes % 2 === 0) return at
    from = at + 1
  }
}

/**
 * Base64 text in, decoded bytes to a file out, four characters at a time
 * across chunks; past the cap only the size is counted. Waits for the
 * disk when it falls behind (the request is read no faster).
 */
class FileSink {
  #stream: WriteStream
  #carry = ''

  constructor(
    private file: InlinedFile,
    private maxBytes: number
  ) {
    this.#stream = createWriteStream(file.path)
  }

  async write(base64: Buffer) {
    const text = this.#carry + base64.toString('latin1').replaceAll('\\', '')
    const whole = text.length - (text.length % 4)
    this.#carry = text.slice(whole)
    if (whole === 0) return
    await this.#decoded(Buffer.from(text.slice(0, whole), 'base64'))
  }

  async end() {
    if (this.#carry) await this.#decoded(Buffer.from(this.#carry, 'base64'))
    this.#carry = ''
    await new Promise<void>((resolve, reject) => {
      this.#stream.once('error', reject)
      this.#stream.end(resolve)
    })
  }

  async #decoded(bytes: Buffer) {
    this.file.bytes += bytes.length
    if (this.file.truncated) return
    if (this.file.bytes > this.maxBytes) {
      this.file.truncated = true
      return
    }
    if (!this.#stream.write(bytes)) {
      await new Promise<void>((resolve) => this.#stream.once('drain', () => resolve()))
    }
  }
}

const inlined = new WeakMap<object, InlinedFile[]>()

/**
 * The files read out of a request's delivery (kept until it is answered).
 */
export const inlinedFiles = {
  set(request: object, files: InlinedFile[]) {
    inlined.set(request, files)
  },
  /**
   * The file a marker left in the parsed body stands for.
   */
  resolve(request: object, value: string | null): InlinedFile | null {
    if (!value?.startsWith(FILE_MARKER)) return null
    return inlined.get(request)?.[Number(value.slice(FILE_MARKER.length))] ?? null
  },
}
