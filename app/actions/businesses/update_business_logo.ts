import { inject } from '@adonisjs/core'
import type { MultipartFile } from '@adonisjs/core/bodyparser'
import type Business from '#models/business'
import MediaStorage from '#services/media_storage'

/**
 * Sets (or, with null, removes) the business logo. The previous file is
 * deleted once the business no longer points at it.
 */
@inject()
export default class UpdateBusinessLogo {
  constructor(private storage: MediaStorage) {}

  async handle({ business, logo }: { business: Business; logo: MultipartFile | null }) {
    const previousKey = business.logoKey
    const newKey = logo
      ? await this.storage.storeUpload(logo, {
          businessId: business.id,
          folder: 'logo',
          field: 'logo',
        })
      : null

    business.logoKey = newKey
    try {
      await business.save()
    } catch (error) {
      await this.storage.delete(newKey)
      throw error
    }
    if (previousKey && previousKey !== newKey) {
      await this.storage.delete(previousKey)
    }
    return business
  }
}
