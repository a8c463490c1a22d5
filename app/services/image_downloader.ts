import { inject } from '@adonisjs/core'
import { MAX_IMAGE_BYTES, sniffImage, type ImageKind } from '#services/media_storage'
import { OutboundError, OutboundGuard, type OutboundFailure } from '#services/outbound_guard'

export type ImageDownloadFailure = OutboundFailure | 'not_an_image'

export class ImageDownloadError extends Error {
  constructor(
    public reason: ImageDownloadFailure,
    message?: string
  ) {
    super(message ?? reason)
  }
}

/**
 * Fetches product images named by URL (CSV import) through the outbound
 * guard, with a time limit and a size limit. The bytes must be a JPEG,
 * PNG or WebP image.
 */
@inject()
export default class ImageDownloader {
  constructor(private guard: OutboundGuard) {}

  async download(url: string): Promise<{ bytes: Buffer; kind: ImageKind }> {
    let bytes: Buffer
    try {
      ;({ bytes } = await this.guard.download(url, {
        maxBytes: MAX_IMAGE_BYTES,
        accept: 'image/jpeg,image/png,image/webp',
      }))
    } catch (error) {
      if (error instanceof OutboundError) {
        throw new ImageDownloadError(error.reason, error.message)
      }
      throw error
    }
    const kind = sniffImage(bytes)
    if (!kind) {
      throw new ImageDownloadError('not_an_image')
    }
    return { bytes, kind }
  }
}
