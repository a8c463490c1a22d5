import type { HttpContext } from '@adonisjs/core/http'
import { userSessions } from '#services/user_sessions'
import { inject } from '@adonisjs/core'
import RegisterUser from '#actions/auth/register_user'
import { registerValidator } from '#validators/auth'

export default class RegistrationController {
  async create({ inertia }: HttpContext) {
    return inertia.render('auth/register', {})
  }

  @inject()
  async store(ctx: HttpContext, registerUser: RegisterUser) {
    const { request, auth, response, i18n, session } = ctx
    const payload = await request.validateUsing(registerValidator)
    const user = await registerUser.handle({ ...payload, locale: i18n.locale })
    await auth.use('web').login(user)
    session.regenerate()
    await userSessions.started(ctx, user)
    return response.redirect().toRoute('onboarding.show')
  }
}
