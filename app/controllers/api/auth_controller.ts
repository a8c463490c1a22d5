import type { HttpContext } from '@adonisjs/core/http'
import { verifyLoginFromAddress } from '#start/limiter'
import { inject } from '@adonisjs/core'
import User from '#models/user'
import RegisterUser from '#actions/auth/register_user'
import { loginValidator, registerValidator } from '#validators/auth'
import UserTransformer from '#transformers/user_transformer'
import BusinessTransformer from '#transformers/business_transformer'

export default class AuthController {
  @inject()
  async register({ request, response, serialize, i18n }: HttpContext, registerUser: RegisterUser) {
    const payload = await request.validateUsing(registerValidator)
    const user = await registerUser.handle({ ...payload, locale: i18n.locale })
    const token = await User.accessTokens.create(user)

    response.status(201)
    return serialize({ token: token.value!.release(), user: UserTransformer.transform(user) })
  }

  async login(ctx: HttpContext) {
    const { request, serialize } = ctx
    const { email, password } = await request.validateUsing(loginValidator)
    const user = await verifyLoginFromAddress(ctx, () => User.verifyCredentials(email, password))
    const token = await User.accessTokens.create(user)

    return serialize({ token: token.value!.release(), user: UserTransformer.transform(user) })
  }

  async me({ auth, serialize }: HttpContext) {
    const user = auth.getUserOrFail()
    const businesses = await user.related('businesses').query().orderBy('businesses.created_at')

    return serialize({
      ...(await serialize(UserTransformer.transform(user))),
      businesses: BusinessTransformer.transform(businesses),
    })
  }

  /**
   * Revokes the token the request was made with.
   */
  async logout({ auth, response }: HttpContext) {
    await auth.use('api').invalidateToken()
    return response.noContent()
  }
}
