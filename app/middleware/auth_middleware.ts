import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import type { Authenticators } from '@adonisjs/auth/types'
import { userSessions } from '#services/user_sessions'

/**
 * Auth middleware is used authenticate HTTP requests and deny
 * access to unauthenticated users.
 */
export default class AuthMiddleware {
  /**
   * The URL to redirect to, when authentication fails
   */
  redirectTo = '/login'

  async handle(
    ctx: HttpContext,
    next: NextFn,
    options: {
      guards?: (keyof Authenticators)[]
    } = {}
  ) {
    await ctx.auth.authenticateUsing(options.guards, { loginRoute: this.redirectTo })
    /**
     * A web session ends after its lifetime, however active it was.
     */
    if (ctx.auth.authenticatedViaGuard === 'web' && userSessions.expired(ctx)) {
      await ctx.auth.use('web').logout()
      ctx.session.clear()
      return ctx.auth.authenticateUsing(['web'], { loginRoute: this.redirectTo })
    }
    return next()
  }
}
