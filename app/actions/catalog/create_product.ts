import { inject } from '@adonisjs/core'
import type { MultipartFile } from '@adonisjs/core/bodyparser'
import type Business from '#models/business'
import MediaStorage from '#services/media_storage'
import CatalogPhotos from '#services/catalog/catalog_photos'
import { rethrowSkuConflict } from '#actions/catalog/sku_conflict'

export type ProductFields = {
  title: string
  description?: string | null
  price: string
  sku?: string | null
  stock?: number | null
  active?: boolean
}

export type CreateProductParams = ProductFields & {
  business: Business
  image?: MultipartFile
}

/**
 * A new product of the business, with its photo when one is uploaded.
 */
@inject()
export default class CreateProduct {
  constructor(
    private storage: MediaStorage,
    private photos: CatalogPhotos
  ) {}

  async handle({ business, image, ...fields }: CreateProductParams) {
    const imageKey = image
      ? await this.storage.storeUpload(image, {
          businessId: business.id,
          folder: 'products',
          field: 'image',
        })
      : null

    try {
      return await business.related('products').create({
        title: fields.title,
        description: fields.description ?? null,
        price: fields.price,
        sku: fields.sku ?? null,
        stock: fields.stock ?? null,
        active: fields.active ?? true,
        imageKey,
        photoFingerprint: await this.photos.fingerprintOf(imageKey),
      })
    } catch (error) {
      await this.storage.delete(imageKey)
      rethrowSkuConflict(error)
    }
  }
}
