import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import { errors } from '@adonisjs/lucid'
import Policy from '#models/policy'
import { isUuid } from '#models/user'
import SavePolicy from '#actions/knowledge/save_policy'
import UserError from '#exceptions/user_error'
import BusinessPolicy from '#policies/business_policy'
import PolicyTransformer from '#transformers/policy_transformer'
import { policyQueryValidator, validateNewPolicy, validatePolicyChanges } from '#validators/policy'

/**
 * A business's policies, opening hours and FAQs (one policy per business).
 */
export default class PoliciesController {
  async show({ auth, request, bouncer, serialize, i18n }: HttpContext) {
    const { business_id: businessId } = await request.validateUsing(policyQueryValidator, {
      data: request.qs(),
    })
    const business = await auth.getUserOrFail().findBusinessOrFail(businessId)
    await bouncer.with(BusinessPolicy).authorize('view', business)

    const policy = await business
      .related('policy')
      .query()
      .preload('faqs', (query) => query.orderBy('position'))
      .first()
    if (!policy) {
      throw new UserError('knowledge.policies.errors.none_yet', { status: 404 })
    }
    policy.$setRelated('business', business)
    return serialize(PolicyTransformer.transform(policy, i18n.locale))
  }

  @inject()
  async store(
    { auth, request, response, bouncer, serialize, i18n }: HttpContext,
    savePolicy: SavePolicy
  ) {
    const { business_id: businessId, ...changes } = await validateNewPolicy(request)
    const business = await auth.getUserOrFail().findBusinessOrFail(businessId)
    await bouncer.with(BusinessPolicy).authorize('manage', business)

    const policy = await savePolicy.handle({ business, changes, mode: 'create' })
    policy.$setRelated('business', business)
    response.status(201)
    return serialize(PolicyTransformer.transform(policy, i18n.locale))
  }

  @inject()
  async update(
    { auth, params, request, bouncer, serialize, i18n }: HttpContext,
    savePolicy: SavePolicy
  ) {
    const user = auth.getUserOrFail()
    if (!isUuid(params.id)) {
      throw new errors.E_ROW_NOT_FOUND()
    }
    const { businessId } = await Policy.query()
      .withScopes((scopes) => scopes.ofMember(user))
      .where('id', params.id)
      .firstOrFail()
    const business = await user.findBusinessOrFail(businessId)
    await bouncer.with(BusinessPolicy).authorize('manage', business)

    const changes = await validatePolicyChanges(request)
    const policy = await savePolicy.handle({ business, changes, mode: 'upsert' })
    policy.$setRelated('business', business)
    return serialize(PolicyTransformer.transform(policy, i18n.locale))
  }
}
