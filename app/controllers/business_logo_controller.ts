import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import UpdateBusinessLogo from '#actions/businesses/update_business_logo'
import BusinessPolicy from '#policies/business_policy'
import { logoValidator } from '#validators/media'

/**
 * The business logo, from the business settings page.
 */
export default class BusinessLogoController {
  @inject()
  async update(
    { request, response, business, bouncer, session, i18n }: HttpContext,
    updateLogo: UpdateBusinessLogo
  ) {
    await bouncer.with(BusinessPolicy).authorize('manage', business)
    const { logo } = await request.validateUsing(logoValidator)
    await updateLogo.handle({ business, logo })
    session.flash('success', i18n.t('media.logo_saved'))
    return response.redirect().back()
  }

  @inject()
  async destroy(
    { response, business, bouncer, session, i18n }: HttpContext,
    updateLogo: UpdateBusinessLogo
  ) {
    await bouncer.with(BusinessPolicy).authorize('manage', business)
    await updateLogo.handle({ business, logo: null })
    session.flash('success', i18n.t('media.logo_removed'))
    return response.redirect().back()
  }
}
