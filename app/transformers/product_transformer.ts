import { inject } from '@adonisjs/core'
import { BaseTransformer } from '@adonisjs/core/transformers'
import type Product from '#models/product'
import MediaStorage from '#services/media_storage'

/**
 * What pages and API clients see of a product. `price` is the exact
 * decimal string ("1999.90"); `imageUrl` a signed, time-limited URL.
 */
export default class ProductTransformer extends BaseTransformer<Product> {
  @inject()
  async toObject(storage: MediaStorage) {
    return {
      ...this.pick(this.resource, [
        'id',
        'businessId',
        'title',
        'description',
        'price',
        'sku',
        'stock',
        'active',
      ]),
      imageUrl: await storage.urlFor(this.resource.imageKey),
      createdAt: this.resource.createdAt.toISO()!,
      updatedAt: this.resource.updatedAt.toISO()!,
    }
  }
}
