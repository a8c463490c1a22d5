import { inject } from '@adonisjs/core'
import { DateTime } from 'luxon'
import type Business from '#models/business'
import UserError from '#exceptions/user_error'
import { AiProvider } from '#services/ai_provider'
import { OutboundError } from '#services/outbound_guard'

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
 * when the provider accepts it, stores it encrypted with the settings. A
 * URL of the business's own must pass the outbound guard first.
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

    if (baseUrl) {
      this.#checkBaseUrl(baseUrl)
    }

    const check = await this.provider.checkKey(key, baseUrl)
    if (check === 'not_working') {
      throw new UserError('ai.errors.base_url_not_working', { field: 'openaiBaseUrl' })
    }
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

  #checkBaseUrl(baseUrl: string) {
    try {
      AiProvider.guard().check(baseUrl)
    } catch (error) {
      if (error instanceof OutboundError) {
        throw new UserError(`ai.errors.base_url_${error.reason}`, { field: 'openaiBaseUrl' })
      }
      throw error
    }
  }
}
