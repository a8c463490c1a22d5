import { createHash, randomUUID } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { inject } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import { Disk } from '@adonisjs/drive'
import { S3Driver } from '@adonisjs/drive/drivers/s3'
import drive from '@adonisjs/drive/services/main'
import type { MultipartFile } from '@adonisjs/core/bodyparser'
import sharp, { type Metadata, type Sharp } from 'sharp'
import UserError from '#exceptions/user_error'

/**
 * Largest image accepted, uploaded or fetched from a URL.
 */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024

/**
 * The most pixels an uploaded image may decode to (all the frames of an
 * animation together): more than any phone's photo, far less than what a
 * few compressed bytes can claim and every viewer's browser would have to
 * unpack.
 */
export const MAX_IMAGE_PIXELS = 40_000_000

/**
 * The largest file of a customer's message we keep: WhatsApp sends videos
 * up to about 100 MB (documents may be larger: those are kept as a message
 * without its file, shown as too large).
 */
export const MAX_MESSAGE_MEDIA_BYTES = 100 * 1024 * 1024

const MESSAGE_MEDIA_TYPES: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'audio/amr': 'amr',
  'application/pdf': 'pdf',
  'text/plain': 'txt',
  'text/csv': 'csv',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/zip': 'zip',
}

/**
 * How long a signed URL handed to a browser stays valid.
 */
export const SIGNED_URL_TTL = '2h'

export type ImageKind = {
  extension: 'jpg' | 'png' | 'webp'
  contentType: 'image/jpeg' | 'image/png' | 'image/webp'
}

/**
 * The image format of some bytes, read from their structure (never from a
 * file name or a declared content type), or null. Beyond the magic
 * numbers, a file must be whole: a truncated upload, or a text that merely
 * starts with an image's first bytes, is not an image. Bytes after the end
 * of an image (some phones append their own) are allowed. A quick check,
 * not a proof: bytes framed like an image may hold anything, which is why
 * stored uploads are decoded and written again (MediaStorage.storeImage).
 */
export function sniffImage(bytes: Uint8Array): ImageKind | null {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const starts = (signature: number[], offset = 0) =>
    buffer.length >= offset + signature.length &&
    signature.every((byte, index) => buffer[offset + index] === byte)
  const contains = (sequence: number[], from: number) =>
    buffer.indexOf(Buffer.from(sequence), from) !== -1

  /**
   * Start of image, a marker segment (FF C0–FE), and an end-of-image
   * marker after it.
   */
  if (
    starts([0xff, 0xd8, 0xff]) &&
    buffer[3] >= 0xc0 &&
    buffer[3] < 0xff &&
    contains([0xff, 0xd9], 4)
  ) {
    return { extension: 'jpg', contentType: 'image/jpeg' }
  }
  /**
   * The signature, the IHDR header chunk first, and an IEND chunk.
   */
  if (
    starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) &&
    starts([0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52], 8) &&
    contains([0x49, 0x45, 0x4e, 0x44], 33)
  ) {
    return { extension: 'png', contentType: 'image/png' }
  }
  /**
   * "RIFF" <size> "WEBP", a VP8 ("VP8 ", "VP8L" or "VP8X") chunk, and as
   * many bytes as the size says.
   */
  if (
    starts([0x52, 0x49, 0x46, 0x46]) &&
    starts([0x57, 0x45, 0x42, 0x50], 8) &&
    starts([0x56, 0x50, 0x38], 12) &&
    [0x20, 0x4c, 0x58].includes(buffer[15]) &&
    buffer.readUInt32LE(4) + 8 <= buffer.length
  ) {
    return { extension: 'webp', contentType: 'image/webp' }
  }
  return null
}

/**
 * How each kind is written again: the same format, a JPEG at a quality
 * no one tells from the original, a PNG as lossless as it came (with a
 * palette if it had one), a WebP with all its frames (effort 2 of 6:
 * half the time of the default for a 12-megapixel photo, about the same
 * size).
 */
const ENCODERS: Record<ImageKind['extension'], (image: Sharp, header: Metadata) => Sharp> = {
  jpg: (image) => image.jpeg({ quality: 88 }),
  png: (image, header) => image.png({ palette: header.isPalette }),
  webp: (image) => image.webp({ quality: 88, effort: 2 }),
}

const SHARP_FORMATS: Record<ImageKind['extension'], string> = {
  jpg: 'jpeg',
  png: 'png',
  webp: 'webp',
}

export type AudioKind = { mimetype: string; extension: string }

/**
 * The audio format of some bytes, read from their container's signature
 * (never from a name or a declared type): the formats the transcription
 * endpoint takes (Ogg, MP3, MP4/M4A, WAV, WebM, FLAC), or null.
 */
export function sniffAudio(bytes: Uint8Array): AudioKind | null {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const ascii = (offset: number, text: string) =>
    buffer.length >= offset + text.length &&
    buffer.subarray(offset, offset + text.length).toString('latin1') === text
  if (ascii(0, 'OggS')) return { mimetype: 'audio/ogg', extension: 'ogg' }
  if (ascii(0, 'fLaC')) return { mimetype: 'audio/flac', extension: 'flac' }
  if (ascii(0, 'RIFF') && ascii(8, 'WAVE')) return { mimetype: 'audio/wav', extension: 'wav' }
  if (ascii(4, 'ftyp')) return { mimetype: 'audio/mp4', extension: 'm4a' }
  if (buffer.length >= 4 && buffer.readUInt32BE(0) === 0x1a45dfa3) {
    return { mimetype: 'audio/webm', extension: 'webm' }
  }
  /**
   * An ID3 tag, or an MPEG audio frame's sync word (11 bits set).
   */
  if (
    ascii(0, 'ID3') ||
    (buffer.length >= 2 && buffer[0] === 0xff && (buffer[1] & 0xe0) === 0xe0)
  ) {
    return { mimetype: 'audio/mpeg', extension: 'mp3' }
  }
  return null
}

/**
 * Where a file belongs: always under its business, with a name we pick.
 */
export type MediaTarget = {
  businessId: string
  /**
   * messages: images a person sends from the inbox.
   */
  folder: 'products' | 'logo' | 'messages'
  /**
   * The request field errors are reported on ("image", "logo").
   */
  field?: string
}

type MessageMediaTarget = { businessId: string; gatewayMessageId: string; mimetype: string | null }

/**
 * Where a message's file goes: derived from the gateway's message id (a
 * repeated delivery writes the same file), with the extension of a known,
 * harmless type or none (an opaque download).
 */
function messageMediaKey(target: MessageMediaTarget) {
  const declared = (target.mimetype ?? '').split(';')[0].trim().toLowerCase()
  const extension = Object.hasOwn(MESSAGE_MEDIA_TYPES, declared)
    ? MESSAGE_MEDIA_TYPES[declared]
    : 'bin'
  const contentType = extension === 'bin' ? 'application/octet-stream' : declared
  const id = createHash('sha256').update(target.gatewayMessageId).digest('hex').slice(0, 32)
  return { key: `businesses/${target.businessId}/messages/${id}.${extension}`, contentType }
}

/**
 * An image known by decoding it (its bytes sniffed, then read by sharp),
 * written again from its decoded pixels, in its own format:
 * turned upright by its EXIF orientation, without its metadata (the EXIF
 * with where a photo was taken, XMP, comments) nor anything else its file
 * carried. The header is read first: bytes that are not an image of the
 * kind they look like, or one of more than MAX_IMAGE_PIXELS, are refused
 * before any pixel is decompressed (and sharp's own limit stands behind
 * that check). Answers the new bytes and their kind, read from them. `field`: the
 * request field an error names.
 */
export async function decodeImage(bytes: Uint8Array, field?: string) {
  const kind = sniffImage(bytes)
  if (!kind) throw notAnImage(field)
  let header: Metadata
  try {
    header = await sharp(bytes, { animated: true, limitInputPixels: false }).metadata()
  } catch {
    throw notAnImage(field)
  }
  if (header.format !== SHARP_FORMATS[kind.extension]) {
    throw notAnImage(field)
  }
  if (header.width * header.height > MAX_IMAGE_PIXELS) {
    throw new UserError('media.errors.too_many_pixels', {
      field,
      data: { max: MAX_IMAGE_PIXELS / 1_000_000 },
    })
  }

  /**
   * failOn "error": a truncated or corrupt image is refused; the
   * warnings some cameras' files raise (stray bytes before the end
   * marker) are not.
   */
  const decoded = sharp(bytes, {
    animated: true,
    autoOrient: true,
    failOn: 'error',
    limitInputPixels: MAX_IMAGE_PIXELS,
  })
  let written: Buffer
  try {
    written = await ENCODERS[kind.extension](decoded, header).toBuffer()
  } catch {
    throw notAnImage(field)
  }
  const writtenKind = sniffImage(written)
  if (!writtenKind) {
    throw new Error(`sharp wrote a ${kind.extension} that is not one`)
  }
  return { bytes: written, kind: writtenKind }
}

function notAnImage(field?: string) {
  return new UserError('media.errors.not_an_image', { field })
}

/**
 * The one way in to file storage (product photos, logos): the Drive disk
 * chosen by DRIVE_DISK (fs on this machine, s3 for MinIO or S3). Files are
 * private; browsers get time-limited signed URLs.
 */
@inject()
export default class MediaStorage {
  constructor(protected disk: Disk) {}

  /**
   * Stores an uploaded image after checking its size and decoding it (see
   * storeImage). Answers the new key.
   */
  async storeUpload(file: MultipartFile, target: MediaTarget) {
    if (file.size > MAX_IMAGE_BYTES) {
      throw this.#tooLarge(target)
    }
    if (!file.tmpPath) {
      throw notAnImage(target.field)
    }
    return this.storeImage(await readFile(file.tmpPath), target)
  }

  /**
   * Stores image bytes after checking their size and format: what is
   * stored is the image decoded and written again (decodeImage), never the
   * bytes as they came. Answers the new key:
   * businesses/<businessId>/<folder>/<uuid>.<ext>.
   */
  async storeImage(bytes: Uint8Array, target: MediaTarget) {
    if (bytes.byteLength > MAX_IMAGE_BYTES) {
      throw this.#tooLarge(target)
    }
    const image = await decodeImage(bytes, target.field)

    const key = `businesses/${target.businessId}/${target.folder}/${randomUUID()}.${image.kind.extension}`
    await this.disk.put(key, image.bytes, { contentType: image.kind.contentType })
    return key
  }

  /**
   * Media a customer sent on WhatsApp (photos, voice notes, videos,
   * documents). The key derives from the gateway's message id, so a
   * repeated delivery writes the same file. Only known, harmless file types
   * keep their extension; anything else is stored as an opaque download.
   */
  async storeMessageMedia(bytes: Uint8Array, target: MessageMediaTarget) {
    if (bytes.byteLength > MAX_MESSAGE_MEDIA_BYTES) {
      return null
    }
    const { key, contentType } = messageMediaKey(target)
    await this.disk.put(key, bytes, { contentType })
    return { key, contentType }
  }

  /**
   * The same, from a file on disk (a big file a webhook inlined), streamed.
   */
  async storeMessageMediaFile(
    file: { path: string; bytes: number; truncated: boolean },
    target: MessageMediaTarget
  ) {
    if (file.truncated || file.bytes > MAX_MESSAGE_MEDIA_BYTES) {
      return null
    }
    const { key, contentType } = messageMediaKey(target)
    await this.disk.putStream(key, createReadStream(file.path), {
      contentType,
      contentLength: file.bytes,
    })
    return { key, contentType }
  }

  /**
   * A copy of a stored file for a message (a product photo the agent
   * sends), so the message keeps its photo whatever happens to the product.
   */
  async copyForMessage(key: string, businessId: string) {
    const extension = key.split('.').pop()
    const copy = `businesses/${businessId}/messages/${randomUUID()}.${extension}`
    await this.disk.copy(key, copy)
    return copy
  }

  /**
   * A URL a browser can load for a while, or null without a file.
   */
  async urlFor(key: string | null | undefined) {
    if (!key) {
      return null
    }
    const signer = this.disk.driver instanceof S3Driver ? drive.use('s3_links') : this.disk
    return signer.getSignedUrl(key, { expiresIn: SIGNED_URL_TTL })
  }

  async read(key: string) {
    return this.disk.getBytes(key)
  }

  async exists(key: string) {
    return this.disk.exists(key)
  }

  /**
   * Removes files that are no longer referenced. A file that cannot be
   * removed is logged, never an error for the person: the row that
   * pointed at it is already gone or changed.
   */
  async delete(...keys: (string | null | undefined)[]) {
    for (const key of keys) {
      if (!key) continue
      try {
        await this.disk.delete(key)
      } catch (error) {
        logger.error({ err: error, key }, 'could not delete a stored file')
      }
    }
  }

  #tooLarge(target: MediaTarget) {
    return new UserError('media.errors.too_large', {
      field: target.field,
      data: { max: MAX_IMAGE_BYTES / 1024 / 1024 },
    })
  }
}
