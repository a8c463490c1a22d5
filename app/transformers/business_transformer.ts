import { BaseTransformer } from '@adonisjs/core/transformers'
import type Business from '#models/business'

/**
 * What pages and API clients see of a business. The OpenAI key itself is
 * never part of it: only whether one is stored and its last 4 characters.
 */
export default class BusinessTransformer extends BaseTransformer<Business> {
  toObject() {
    return {
      ...this.pick(this.resource, [
        'id',
        'name',
        'description',
        'industry',
        'currency',
        'timezone',
        'locale',
        'openaiModel',
        'openaiBaseUrl',
        'botEnabled',
      ]),
      openaiKeyLast4: this.resource.openaiKeySuffix,
      hasOpenaiKey: this.resource.hasOpenaiKey,
      openaiKeyVerifiedAt: this.resource.openaiKeyVerifiedAt?.toISO() ?? null,
      role: (this.resource.$extras.pivot_role as string | undefined) ?? null,
      createdAt: this.resource.createdAt.toISO()!,
      updatedAt: this.resource.updatedAt.toISO()!,
    }
  }
}
