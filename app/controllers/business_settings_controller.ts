import type { HttpContext } from '@adonisjs/core/http'
import BusinessTransformer from '#transformers/business_transformer'
import BusinessPolicy from '#policies/business_policy'
import { switchBusinessValidator, updateBusinessValidator } from '#validators/business'
import { CURRENT_BUSINESS_KEY } from '#middleware/current_business_middleware'

/**
 * Choices offered by the business profile form.
 */
export function businessFormOptions() {
  return {
    currencies: [
      'MXN',
      'COP',
      'ARS',
      'CLP',
      'PEN',
      'USD',
      'GTQ',
      'BOB',
      'DOP',
      'UYU',
      'PYG',
      'CRC',
      'HNL',
      'NIO',
      'VES',
      'EUR',
    ],
    countries: [
      'MX',
      'CO',
      'AR',
      'BR',
      'CL',
      'PE',
      'EC',
      'US',
      'GT',
      'SV',
      'HN',
      'NI',
      'CR',
      'PA',
      'DO',
      'BO',
      'PY',
      'UY',
      'VE',
      'ES',
    ],
    timezones: Intl.supportedValuesOf('timeZone').filter(
      (zone) => zone.startsWith('America/') || zone.startsWith('Europe/Madrid') || zone === 'UTC'
    ),
  }
}

export default class BusinessSettingsController {
  async show({ inertia, business, bouncer }: HttpContext) {
    await bouncer.with(BusinessPolicy).authorize('view', business)
    return inertia.render('settings/business', {
      business: BusinessTransformer.transform(business),
      options: businessFormOptions(),
    })
  }

  async update({ request, response, business, bouncer, session, i18n }: HttpContext) {
    await bouncer.with(BusinessPolicy).authorize('manage', business)
    const payload = await request.validateUsing(updateBusinessValidator)
    business.merge(payload)
    await business.save()
    session.flash('success', i18n.t('business.saved'))
    return response.redirect().back()
  }

  /**
   * The business switcher: only the user's own businesses can be chosen.
   */
  async switch({ request, response, auth, session }: HttpContext) {
    const { businessId } = await request.validateUsing(switchBusinessValidator)
    const business = await auth.getUserOrFail().findBusinessOrFail(businessId)
    session.put(CURRENT_BUSINESS_KEY, business.id)
    return response.redirect().toRoute('dashboard')
  }
}
