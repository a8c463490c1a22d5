import { inject } from '@adonisjs/core'
import { randomUUID } from 'node:crypto'
import type Business from '#models/business'
import type User from '#models/user'
import UserError from '#exceptions/user_error'
import MediaStorage, { decodeImage, sniffAudio, sniffImage } from '#services/media_storage'
import { OutboundError, OutboundGuard } from '#services/outbound_guard'
import type { MediaKind } from '#services/whatsapp/whatsapp_gateway'
import SendWhatsappMessage, { type OutboundMedia } from '#actions/whatsapp/send_whatsapp_message'

/**
 * WhatsApp's limit for videos and audio; more than a photo or a PDF needs.
 */
export const MAX_SENT_MEDIA_BYTES = 16 * 1024 * 1024

export type SendApiMessageParams = {
  business: Business
  user: User
  phone: string
  text: string
  /**
   * A file to send with the text, named by URL.
   */
  mediaUrl?: string
}

/**
 * A message an API client sends. Its file is downloaded through the
 * outbound guard, known by its bytes and stored, like a photo sent from the
 * inbox: the gateway gets our copy, never the client's URL.
 */
@inject()
export default class SendApiMessage {
  constructor(
    private sender: SendWhatsappMessage,
    private storage: MediaStorage,
    private guard: OutboundGuard
  ) {}

  async handle({ business, user, phone, text, mediaUrl }: SendApiMessageParams) {
    const media = mediaUrl ? await this.#download(business, mediaUrl) : undefined
    try {
      return await this.sender.handle({
        business,
        phone,
        text,
        media,
        author: 'human',
        userId: user.id,
      })
    } catch (error) {
      /**
       * The message was refused (not connected, a wrong number): the file
       * goes too.
       */
      await this.storage.delete(media?.key)
      throw error
    }
  }

  async #download(business: Business, url: string): Promise<OutboundMedia> {
    let bytes: Buffer
    try {
      ;({ bytes } = await this.guard.download(url, { maxBytes: MAX_SENT_MEDIA_BYTES }))
    } catch (error) {
      if (!(error instanceof OutboundError)) throw error
      throw error.reason === 'too_large'
        ? new UserError('whatsapp.errors.media_too_large', {
            field: 'mediaUrl',
            data: { max: MAX_SENT_MEDIA_BYTES / 1024 / 1024 },
          })
        : new UserError('whatsapp.errors.media_unavailable', { field: 'mediaUrl' })
    }

    const sniffed = sniffMedia(bytes)
    if (!sniffed) {
      throw new UserError('whatsapp.errors.media_unsupported', { field: 'mediaUrl' })
    }
    /**
     * A photo is decoded and written again, as an upload is: bytes that
     * only look like an image are refused, and its metadata does not go
     * out to the customer.
     */
    if (sniffed.kind === 'image') {
      const decoded = await decodeImage(bytes, 'mediaUrl')
      bytes = decoded.bytes
    }
    /**
     * Not sent yet, so no gateway id: a fresh one names the file.
     */
    const stored = await this.storage.storeMessageMedia(bytes, {
      businessId: business.id,
      gatewayMessageId: randomUUID(),
      mimetype: sniffed.mimetype,
    })
    return {
      kind: sniffed.kind,
      mimetype: sniffed.mimetype,
      key: stored!.key,
      fileName: fileNameOf(url, sniffed.extension),
    }
  }
}

/**
 * What a file is, from its bytes: an image WhatsApp shows, an MP4 video, a
 * PDF or an audio; anything else is not sent.
 */
function sniffMedia(
  bytes: Buffer
): { kind: MediaKind; mimetype: string; extension: string } | null {
  const image = sniffImage(bytes)
  if (image) {
    return { kind: 'image', mimetype: image.contentType, extension: image.extension }
  }
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') {
    return { kind: 'document', mimetype: 'application/pdf', extension: 'pdf' }
  }
  const brand = bytes.subarray(4, 11).toString('latin1')
  if (brand.startsWith('ftyp') && !brand.startsWith('ftypM4A')) {
    return { kind: 'video', mimetype: 'video/mp4', extension: 'mp4' }
  }
  const audio = sniffAudio(bytes)
  if (audio) {
    return { kind: 'audio', mimetype: audio.mimetype, extension: audio.extension }
  }
  return null
}

/**
 * The URL's last path segment as the file's name (as it is when it does
 * not decode), with the extension of what the bytes are.
 */
function fileNameOf(url: string, extension: string) {
  const segment = new URL(url).pathname.split('/').pop() ?? ''
  let name: string
  try {
    name = decodeURIComponent(segment)
  } catch {
    name = segment
  }
  const base = name.replace(/\.[^.]*$/, '').slice(0, 100) || 'archivo'
  return `${base}.${extension}`
}
