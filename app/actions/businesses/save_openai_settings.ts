import { inject } from '@adonisjs/core'
import { DateTime } from 'luxon'
import type Business from '#models/business'
import UserError from '#exceptions/user_error'
import { AiProvider } from '#services/ai_provider'

export type SaveOpenaiSettingsParams = {
  business: Business
  /**
   * A new key, or undefined to keep (and re-check) the stored one.
   */
  openaiApiKey?: string
  openaiModel?: string
  /**
   * undefined keeps the current URL, null clears it.
   */
  openaiBaseUrl?: string | null
}

/**
 * Verifies the key against the provider the business will use and, only
 * when the provider accepts it, stores it encrypted with the settings.
 */
@inject()
export default class SaveOpenaiSettings {
  constructor(private provider: AiProvider) {}

  async handle({ business, openaiApiKey, openaiModel, openaiBaseUrl }: SaveOpenaiSettingsParams) {
    const baseUrl = openaiBaseUrl === undefined ? business.openaiBaseUrl : openaiBaseUrl
    const key = openaiApiKey ?? business.revealOpenaiApiKey()

    if (!key) {
      throw new UserError('ai.errors.key_required', { field: 'openaiApiKey' })
    }

    const check = await this.provider.checkKey(key, baseUrl)
    if (check === 'rejected') {
      throw new UserError('ai.errors.key_rejected', { field: 'openaiApiKey' })
    }
    if (check === 'unreachable') {
      throw new UserError('ai.errors.provider_unreachable', { field: 'openaiBaseUrl' })
    }

    if (openaiApiKey) {
      business.setOpenaiApiKey(openaiApiKey)
    }
    if (openaiModel) {
      business.openaiModel = openaiModel
    }
    business.openaiBaseUrl = baseUrl ?? null
    business.openaiKeyVerifiedAt = DateTime.now()
    if (business.botBlockedReason === 'api_key_rejected') {
      business.botBlockedReason = null
      business.botBlockedAt = null
    }
    await business.save()
    return business
  }
}
