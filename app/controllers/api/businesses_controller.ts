import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import CreateBusiness from '#actions/businesses/create_business'
import SaveOpenaiSettings from '#actions/businesses/save_openai_settings'
import BusinessTransformer from '#transformers/business_transformer'
import BusinessPolicy from '#policies/business_policy'
import { BusinessEvents } from '#services/business_events'
import {
  botToggleValidator,
  createBusinessValidator,
  openaiSettingsValidator,
  updateBusinessValidator,
} from '#validators/business'

export default class BusinessesController {
  async index({ auth, serialize }: HttpContext) {
    const businesses = await auth
      .getUserOrFail()
      .related('businesses')
      .query()
      .orderBy('businesses.created_at')
    return serialize(BusinessTransformer.transform(businesses))
  }

  @inject()
  async store({ auth, request, response, serialize }: HttpContext, createBusiness: CreateBusiness) {
    const payload = await request.validateUsing(createBusinessValidator)
    const business = await createBusiness.handle({ owner: auth.getUserOrFail(), ...payload })
    response.status(201)
    return serialize(BusinessTransformer.transform(business))
  }

  async show({ auth, params, bouncer, serialize }: HttpContext) {
    const business = await auth.getUserOrFail().findBusinessOrFail(params.id)
    await bouncer.with(BusinessPolicy).authorize('view', business)
    return serialize(BusinessTransformer.transform(business))
  }

  async update({ auth, params, request, bouncer, serialize }: HttpContext) {
    const business = await auth.getUserOrFail().findBusinessOrFail(params.id)
    await bouncer.with(BusinessPolicy).authorize('manage', business)
    const payload = await request.validateUsing(updateBusinessValidator)
    business.merge(payload)
    await business.save()
    return serialize(BusinessTransformer.transform(business))
  }

  @inject()
  async updateOpenai(
    { auth, params, request, bouncer, serialize }: HttpContext,
    saveOpenaiSettings: SaveOpenaiSettings
  ) {
    const business = await auth.getUserOrFail().findBusinessOrFail(params.id)
    await bouncer.with(BusinessPolicy).authorize('manage', business)
    const payload = await request.validateUsing(openaiSettingsValidator)
    await saveOpenaiSettings.handle({ business, ...payload })
    return serialize(BusinessTransformer.transform(business))
  }

  @inject()
  async toggleBot(
    { auth, params, request, bouncer, serialize }: HttpContext,
    events: BusinessEvents
  ) {
    const business = await auth.getUserOrFail().findBusinessOrFail(params.id)
    await bouncer.with(BusinessPolicy).authorize('manage', business)
    const { botEnabled } = await request.validateUsing(botToggleValidator)
    business.botEnabled = botEnabled
    await business.save()
    events.broadcast(business.id, { type: 'business.updated', business: { botEnabled } })
    return serialize(BusinessTransformer.transform(business))
  }
}
