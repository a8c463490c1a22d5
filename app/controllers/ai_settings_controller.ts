import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import SaveOpenaiSettings from '#actions/businesses/save_openai_settings'
import BusinessTransformer from '#transformers/business_transformer'
import BusinessPolicy from '#policies/business_policy'
import { BusinessEvents } from '#services/business_events'
import {
  aiSettingsFormValidator,
  botToggleValidator,
  mediaSettingsValidator,
} from '#validators/business'
import agentConfig from '#config/agent'

export const SUGGESTED_MODELS = ['gpt-4.1-mini', 'gpt-4.1', 'gpt-4.1-nano', 'gpt-4o-mini', 'gpt-4o']

export default class AiSettingsController {
  async show({ inertia, business, bouncer }: HttpContext) {
    await bouncer.with(BusinessPolicy).authorize('view', business)
    return inertia.render('settings/ai', {
      business: BusinessTransformer.transform(business),
      suggestedModels: SUGGESTED_MODELS,
      transcriptionModels: agentConfig.transcription.models,
      behaviour: {
        replyDelaySeconds: business.replyDelaySeconds,
        takeoverMinutes: business.takeoverMinutes,
        monthlyBudgetUsd: business.monthlyBudgetUsd,
      },
    })
  }

  /**
   * Voice notes and photos: understood with the business's provider, or
   * not sent to it at all.
   */
  async updateMedia({ request, response, business, bouncer, session, i18n }: HttpContext) {
    await bouncer.with(BusinessPolicy).authorize('manage', business)
    const payload = await request.validateUsing(mediaSettingsValidator)
    business.merge(payload)
    await business.save()
    session.flash('success', i18n.t('ai.media.saved'))
    return response.redirect().back()
  }

  @inject()
  async update(
    { request, response, business, bouncer, session, i18n }: HttpContext,
    saveOpenaiSettings: SaveOpenaiSettings
  ) {
    await bouncer.with(BusinessPolicy).authorize('manage', business)
    const payload = await request.validateUsing(aiSettingsFormValidator)
    await saveOpenaiSettings.handle({
      business,
      openaiApiKey: payload.openaiApiKey,
      openaiModel: payload.openaiModel,
      openaiBaseUrl: payload.openaiBaseUrl ?? null,
    })
    session.flash('success', i18n.t('ai.saved'))

    const next = request.input('after')
    if (next === 'dashboard') {
      return response.redirect().toRoute('dashboard')
    }
    return response.redirect().back()
  }

  /**
   * The business switch: on or off for every customer. Pages open
   * elsewhere (the inbox of each member) hear it at once.
   */
  @inject()
  async toggleBot(
    { request, response, business, bouncer, session, i18n }: HttpContext,
    events: BusinessEvents
  ) {
    await bouncer.with(BusinessPolicy).authorize('manage', business)
    const { botEnabled } = await request.validateUsing(botToggleValidator)
    business.botEnabled = botEnabled
    await business.save()
    events.broadcast(business.id, { type: 'business.updated', business: { botEnabled } })
    session.flash('success', i18n.t(botEnabled ? 'ai.bot_on' : 'ai.bot_off'))
    return response.redirect().back()
  }
}
