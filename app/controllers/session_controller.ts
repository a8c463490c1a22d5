import type { HttpContext } from '@adonisjs/core/http'
import { verifyLoginFromAddress } from '#start/limiter'
import User from '#models/user'
import { loginValidator } from '#validators/auth'
import { LOCALE_COOKIE } from '#middleware/detect_user_locale_middleware'

export default class SessionController {
  async create({ inertia }: HttpContext) {
    return inertia.render('auth/login', {})
  }

  async store(ctx: HttpContext) {
    const { request, auth, response, session } = ctx
    const { email, password } = await request.validateUsing(loginValidator)
    const user = await verifyLoginFromAddress(ctx, () => User.verifyCredentials(email, password))
    await auth.use('web').login(user)
    session.regenerate()

    response.plainCookie(LOCALE_COOKIE, user.locale, { maxAge: '1y' })
    return response.redirect().toRoute('dashboard')
  }

  async destroy({ auth, response, session }: HttpContext) {
    await auth.use('web').logout()
    session.clear()
    return response.redirect().toRoute('session.create')
  }
}
