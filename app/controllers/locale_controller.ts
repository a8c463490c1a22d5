import type { HttpContext } from '@adonisjs/core/http'
import { localeValidator } from '#validators/auth'
import { LOCALE_COOKIE } from '#middleware/detect_user_locale_middleware'

export default class LocaleController {
  /**
   * Switches the interface language; remembered on the account too.
   */
  async update({ request, response, auth }: HttpContext) {
    const { locale } = await request.validateUsing(localeValidator)
    response.plainCookie(LOCALE_COOKIE, locale, { maxAge: '1y' })

    if (await auth.use('web').check()) {
      const user = auth.use('web').user!
      user.locale = locale
      await user.save()
    }
    return response.redirect().back()
  }
}
