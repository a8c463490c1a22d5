import { inject } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import type Business from '#models/business'
import MediaStorage from '#services/media_storage'
import {
  fingerprint,
  PhotoFingerprint,
  PhotoMatcher,
  type PhotoMatch,
} from '#services/catalog/photo_fingerprint'

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
    const catalog = await this.#catalog(business)
    if (!catalog) return null
    let query
    try {
      query = await fingerprint(bytes)
    } catch {
      return null
    }
    const found = catalog.matcher.match(query)
    if (!found) return null
    return { ...found, title: catalog.titles.get(found.productId)! }
  }

  /**
   * The business's matcher, built once and kept while its catalog photos
   * stay as they are: a cheap look (how many, last changed) tells whether
   * to build it again, so a photo added, changed or removed counts at once.
   */
  async #catalog(business: Business) {
    const photos = () =>
      business.related('products').query().where('active', true).whereNotNull('photo_fingerprint')
    const [state] = await photos()
      .count('* as total')
      .max('updated_at as changed')
      .pojo<{ total: string | number; changed: Date | null }>()
    const version = `${state.total}:${state.changed ? new Date(state.changed).getTime() : 0}`
    if (Number(state.total) === 0) {
      matchers.delete(business.id)
      return null
    }
    const cached = matchers.get(business.id)
    if (cached?.version === version) {
      matchers.delete(business.id)
      matchers.set(business.id, cached)
      return cached
    }
    const rows = await photos().select('id', 'title', 'photo_fingerprint')
    const current = rows.filter((row) => PhotoFingerprint.isCurrent(row.photoFingerprint))
    if (current.length < rows.length) {
      logger.warn(
        { businessId: business.id, stale: rows.length - current.length },
        'catalog photos with an old fingerprint are not matched: run node ace catalog:fingerprints'
      )
    }
    const built = {
      version,
      matcher: new PhotoMatcher(current.map((row) => [row.id, row.photoFingerprint!] as const)),
      titles: new Map(rows.map((row) => [row.id, row.title])),
    }
    matchers.set(business.id, built)
    if (matchers.size > MAX_CACHED_CATALOGS) {
      matchers.delete(matchers.keys().next().value!)
    }
    return built
  }
}

/**
 * Matchers of the businesses whose customers sent photos lately, the most
 * recent last (a 1,000-product catalog is about 3 MB).
 */
const MAX_CACHED_CATALOGS = 50
const matchers = new Map<
  string,
  { version: string; matcher: PhotoMatcher; titles: Map<string, string> }
>()
