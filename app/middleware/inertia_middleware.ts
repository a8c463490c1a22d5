import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import BaseInertiaMiddleware from '@adonisjs/inertia/inertia_middleware'
import UserTransformer from '#transformers/user_transformer'

export default class InertiaMiddleware extends BaseInertiaMiddleware {
  /**
   * Props every page receives. A page can render before the session or
   * auth middleware ran (a 404, for example): assume nothing.
   */
  async share(ctx: HttpContext) {
    const { session, auth, i18n } = ctx as Partial<HttpContext>
    const user = auth?.user
    const current = (ctx as Partial<HttpContext>).business

    const businesses = user
      ? await user
          .related('businesses')
          .query()
          .select('businesses.id', 'businesses.name')
          .orderBy('businesses.created_at')
      : []

    return {
      locale: ctx.inertia.always(i18n?.locale ?? 'es'),
      errors: ctx.inertia.always(this.getValidationErrors(ctx)),
      flash: ctx.inertia.always({
        error: session?.flashMessages.get('error') as string | undefined,
        success: session?.flashMessages.get('success') as string | undefined,
      }),
      user: ctx.inertia.always(user ? UserTransformer.transform(user) : null),
      businesses: ctx.inertia.always(businesses.map((b) => ({ id: b.id, name: b.name }))),
      /**
       * The business's time zone: pages show dates and times in it, the
       * same on the server (which renders the first visit) as in the
       * browser that takes the page over.
       */
      currentBusiness: ctx.inertia.always(
        current ? { id: current.id, name: current.name, timezone: current.timezone } : null
      ),
    }
  }

  async handle(ctx: HttpContext, next: NextFn) {
    await this.init(ctx)
    const output = await next()
    this.dispose(ctx)
    return output
  }
}

declare module '@adonisjs/inertia/types' {
  type MiddlewareSharedProps = InferSharedProps<InertiaMiddleware>
  export interface SharedProps extends MiddlewareSharedProps {}
}
