import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * Fingerprints the catalog photos that have none, or one of an older
 * version (products created before photo matching, or after its format
 * changed), so customers' photos of them are recognised.
 */
export default class CatalogFingerprints extends BaseCommand {
  static commandName = 'catalog:fingerprints'
  static description = 'Fingerprint catalog photos that have no current fingerprint'
  static options: CommandOptions = { startApp: true }

  @flags.string({ description: 'Only this business (its id)' })
  declare business?: string

  async run() {
    const { default: Business } = await import('#models/business')
    const { default: Product } = await import('#models/product')
    const { default: CatalogPhotos } = await import('#services/catalog/catalog_photos')
    const { PhotoFingerprint } = await import('#services/catalog/photo_fingerprint')
    const photos = await this.app.container.make(CatalogPhotos)

    /**
     * One business's catalog when it is named, else every business's.
     */
    const products = this.business
      ? Business.reference(this.business).related('products').query()
      : Product.query() // tenancy: root (the operator's command, every business)
    const query = products.whereNotNull('image_key').orderBy('created_at')
    let done = 0
    let failed = 0
    for (const product of await query) {
      if (PhotoFingerprint.isCurrent(product.photoFingerprint)) continue
      const fingerprint = await photos.fingerprintOf(product.imageKey)
      if (!fingerprint) {
        failed += 1
        continue
      }
      product.photoFingerprint = fingerprint
      await product.save()
      done += 1
    }
    this.logger.success(`${done} photo(s) fingerprinted, ${failed} could not be read`)
  }
}
