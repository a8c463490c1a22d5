import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import SavePolicy from '#actions/knowledge/save_policy'
import BusinessPolicy from '#policies/business_policy'
import BusinessTransformer from '#transformers/business_transformer'
import PolicyTransformer from '#transformers/policy_transformer'
import { MAX_FAQS, MAX_RANGES_PER_DAY, updatePolicyValidator } from '#validators/policy'

/**
 * The policies page: shipping, refunds, brand voice, opening hours and
 * FAQs of the current business, saved together.
 */
export default class PoliciesController {
  async show({ inertia, business, i18n, bouncer }: HttpContext) {
    await bouncer.with(BusinessPolicy).authorize('view', business)
    const policy = await business
      .related('policy')
      .query()
      .preload('faqs', (query) => query.orderBy('position'))
      .first()
    policy?.$setRelated('business', business)

    return inertia.render('knowledge/policies', {
      business: BusinessTransformer.transform(business),
      policy: policy ? PolicyTransformer.transform(policy, i18n.locale) : null,
      limits: { faqs: MAX_FAQS, rangesPerDay: MAX_RANGES_PER_DAY },
    })
  }

  @inject()
  async update(
    { request, response, business, bouncer, session, i18n }: HttpContext,
    savePolicy: SavePolicy
  ) {
    await bouncer.with(BusinessPolicy).authorize('manage', business)
    const changes = await request.validateUsing(updatePolicyValidator)
    await savePolicy.handle({ business, changes, mode: 'upsert' })
    session.flash('success', i18n.t('knowledge.policies.saved'))
    return response.redirect().toRoute('knowledge.policies')
  }
}
