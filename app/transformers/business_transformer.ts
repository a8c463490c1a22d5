import { inject } from '@adonisjs/core'
import { BaseTransformer } from '@adonisjs/core/transformers'
import type Business from '#models/business'
import MediaStorage from '#services/media_storage'

/**
 * What pages and API clients see of a business. The OpenAI key itself is
 * never part of it: only whether one is stored and its last 4 characters.
 * The logo is a signed, time-limited URL (or null).
 */
export default class BusinessTransformer extends BaseTransformer<Business> {
  @inject()
  async toObject(storage: MediaStorage) {
    return {
      ...this.pick(this.resource, [
        'id',
        'name',
        'description',
        'industry',
        'currency',
        'timezone',
        'country',
        'locale',
        'openaiModel',
        'openaiBaseUrl',
        'botEnabled',
      ]),
      logoUrl: await storage.urlFor(this.resource.logoKey),
      openaiKeyLast4: this.resource.openaiKeySuffix,
      hasOpenaiKey: this.resource.hasOpenaiKey,
      openaiKeyVerifiedAt: this.resource.openaiKeyVerifiedAt?.toISO() ?? null,
      role: (this.resource.$extras.pivot_role as string | undefined) ?? null,
      createdAt: this.resource.createdAt.toISO()!,
      updatedAt: this.resource.updatedAt.toISO()!,
    }
  }
}
