import { inject } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import type Business from '#models/business'
import MediaStorage from '#services/media_storage'
import { fingerprint, PhotoMatcher, type PhotoMatch } from '#services/catalog/photo_fingerprint'

/**
 * The shop's own photos, recognised without AI: the fingerprint of each
 * catalog photo (kept on the product), and which product a customer's
 * photo is — forwarded, re-compressed, cropped or screenshotted.
 */
@inject()
export default class CatalogPhotos {
  constructor(private storage: MediaStorage) {}

  /**
   * A stored photo's fingerprint bytes, or null when it cannot be read
   * (the product keeps its photo; it is just not matched).
   */
  async fingerprintOf(key: string | null): Promise<Buffer | null> {
    if (!key) return null
    try {
      return await this.fingerprintOfBytes(await this.storage.read(key))
    } catch (error) {
      logger.warn({ err: error, key }, 'a catalog photo could not be fingerprinted')
      return null
    }
  }

  async fingerprintOfBytes(bytes: Uint8Array): Promise<Buffer | null> {
    try {
      const photo = await fingerprint(bytes)
      return photo.toBuffer()
    } catch (error) {
      logger.warn({ err: error }, 'a photo could not be fingerprinted')
      return null
    }
  }

  /**
   * The active product a photo shows ('match'), or looks like ('near'),
   * with its title; null when none is close.
   */
  async match(
    business: Business,
    bytes: Uint8Array
  ): Promise<(PhotoMatch & { title: string }) | null> {
    const rows = await business
      .related('products')
      .query()
      .where('active', true)
      .whereNotNull('photo_fingerprint')
      .select('id', 'title', 'photo_fingerprint')
    if (rows.length === 0) return null
    let query
    try {
      query = await fingerprint(bytes)
    } catch {
      return null
    }
    const matcher = new PhotoMatcher(rows.map((row) => [row.id, row.photoFingerprint!] as const))
    const found = matcher.match(query)
    if (!found) return null
    const product = rows.find((row) => row.id === found.productId)!
    return { ...found, title: product.title }
  }
}
