import { inject } from '@adonisjs/core'
import type { MultipartFile } from '@adonisjs/core/bodyparser'
import type Product from '#models/product'
import MediaStorage from '#services/media_storage'
import CatalogPhotos from '#services/catalog/catalog_photos'
import type { ProductFields } from '#actions/catalog/create_product'
import { rethrowSkuConflict } from '#actions/catalog/sku_conflict'

export type UpdateProductParams = Partial<ProductFields> & {
  product: Product
  /**
   * A new photo replaces the current one.
   */
  image?: MultipartFile
  removeImage?: boolean
}

/**
 * Changes the given fields of a product. A replaced or removed photo is
 * deleted from storage once the product no longer points at it.
 */
@inject()
export default class UpdateProduct {
  constructor(
    private storage: MediaStorage,
    private photos: CatalogPhotos
  ) {}

  async handle({ product, image, removeImage, ...fields }: UpdateProductParams) {
    const previousKey = product.imageKey
    const newKey = image
      ? await this.storage.storeUpload(image, {
          businessId: product.businessId,
          folder: 'products',
          field: 'image',
        })
      : null

    const defined = Object.fromEntries(
      Object.entries(fields).filter(([, value]) => value !== undefined)
    ) as Partial<ProductFields>
    product.merge(defined)
    if (newKey) {
      product.imageKey = newKey
      product.photoFingerprint = await this.photos.fingerprintOf(newKey)
    } else if (removeImage) {
      product.imageKey = null
      product.photoFingerprint = null
    }

    try {
      await product.save()
    } catch (error) {
      await this.storage.delete(newKey)
      rethrowSkuConflict(error)
    }

    if (previousKey && previousKey !== product.imageKey) {
      await this.storage.delete(previousKey)
    }
    return product
  }
}
