import { inject } from '@adonisjs/core'
import type Product from '#models/product'
import MediaStorage from '#services/media_storage'

/**
 * Removes a product and its photo.
 */
@inject()
export default class DeleteProduct {
  constructor(private storage: MediaStorage) {}

  async handle({ product }: { product: Product }) {
    await product.delete()
    await this.storage.delete(product.imageKey)
  }
}
