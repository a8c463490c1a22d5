import type { HttpContext } from '@adonisjs/core/http'
import { verifyLoginFromAddress } from '#start/limiter'
import User from '#models/user'
import { userSessions } from '#services/user_sessions'
import { loginValidator } from '#validators/auth'
import { LOCALE_COOKIE } from '#middleware/detect_user_locale_middleware'
import { demoAccount } from '#database/embedded_setup'

export default class SessionController {
  async create({ inertia }: HttpContext) {
    return inertia.render('auth/login', { demo: demoAccount() })
  }

  async store(ctx: HttpContext) {
    const { request, auth, response, session } = ctx
    const { email, password } = await request.validateUsing(loginValidator)
    const user = await verifyLoginFromAddress(ctx, () => User.verifyCredentials(email, password))
    await auth.use('web').login(user)
    session.regenerate()
    await userSessions.started(ctx, user)

    response.plainCookie(LOCALE_COOKIE, user.locale, { maxAge: '1y' })
    return response.redirect().toRoute('dashboard')
  }

  async destroy({ auth, response, session }: HttpContext) {
    await auth.use('web').logout()
    session.clear()
    return response.redirect().toRoute('session.create')
  }

  /**
   * Log out everywhere: every web session and API token of the person
   * ends, this one too (a lost phone, a shared password).
   */
  async destroyEverywhere({ auth, response, session, i18n }: HttpContext) {
    const user = auth.getUserOrFail()
    await userSessions.endAll(user)
    await auth.use('web').logout()
    session.clear()
    session.flash('success', i18n.t('auth.logged_out_everywhere'))
    return response.redirect().toRoute('session.create')
  }
}
