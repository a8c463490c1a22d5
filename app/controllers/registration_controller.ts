import type { HttpContext } from '@adonisjs/core/http'
import { inject } from '@adonisjs/core'
import RegisterUser from '#actions/auth/register_user'
import { registerValidator } from '#validators/auth'

export default class RegistrationController {
  async create({ inertia }: HttpContext) {
    return inertia.render('auth/register', {})
  }

  @inject()
  async store({ request, auth, response, i18n }: HttpContext, registerUser: RegisterUser) {
    const payload = await request.validateUsing(registerValidator)
    const user = await registerUser.handle({ ...payload, locale: i18n.locale })
    await auth.use('web').login(user)
    return response.redirect().toRoute('onboarding.show')
  }
}
