import type { HttpContext } from '@adonisjs/core/http'
import BusinessPolicy from '#policies/business_policy'
import { inject } from '@adonisjs/core'
import CreateBusiness from '#actions/businesses/create_business'
import { createBusinessValidator } from '#validators/business'
import { CURRENT_BUSINESS_KEY } from '#middleware/current_business_middleware'
import { businessFormOptions } from '#controllers/business_settings_controller'
import { SUGGESTED_MODELS } from '#controllers/ai_settings_controller'

/**
 * The first-run wizard: the business profile, then the AI key (which can
 * wait). Also the way to add another business.
 */
export default class OnboardingController {
  async show({ inertia, auth, request, response }: HttpContext) {
    const user = auth.getUserOrFail()
    const hasBusiness = await user.related('businesses').query().first()
    const addingAnother = request.input('new') === '1'

    if (hasBusiness && !addingAnother) {
      return response.redirect().toRoute('dashboard')
    }

    return inertia.render('onboarding/profile', {
      options: businessFormOptions(),
      addingAnother: Boolean(hasBusiness),
    })
  }

  @inject()
  async store({ request, auth, response, session }: HttpContext, createBusiness: CreateBusiness) {
    const payload = await request.validateUsing(createBusinessValidator)
    const business = await createBusiness.handle({ owner: auth.getUserOrFail(), ...payload })
    session.put(CURRENT_BUSINESS_KEY, business.id)
    return response.redirect().toRoute('onboarding.ai')
  }

  async ai({ inertia, business, bouncer }: HttpContext) {
    await bouncer.with(BusinessPolicy).authorize('manage', business)
    return inertia.render('onboarding/ai', {
      businessName: business.name,
      hasOpenaiKey: business.hasOpenaiKey,
      openaiModel: business.openaiModel,
      suggestedModels: SUGGESTED_MODELS,
    })
  }
}
