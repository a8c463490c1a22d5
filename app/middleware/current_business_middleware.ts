import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import type Business from '#models/business'
import { noteBusinessInLogs } from '#services/request_log'

export const CURRENT_BUSINESS_KEY = 'currentBusinessId'

/**
 * Web pages work in one business at a time: the one picked in the
 * business switcher (kept in the session), or the user's first one.
 * Without any business, the owner is sent to the onboarding wizard.
 */
export default class CurrentBusinessMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const user = ctx.auth.getUserOrFail()
    const chosenId = ctx.session.get(CURRENT_BUSINESS_KEY)

    let business: Business | null = null
    if (typeof chosenId === 'string') {
      business = await user.related('businesses').query().where('businesses.id', chosenId).first()
    }
    if (!business) {
      business = await user.related('businesses').query().orderBy('businesses.created_at').first()
    }
    if (!business) {
      return ctx.response.redirect().toRoute('onboarding.show')
    }

    ctx.session.put(CURRENT_BUSINESS_KEY, business.id)
    ctx.business = business
    noteBusinessInLogs(business.id, ctx)
    return next()
  }
}

declare module '@adonisjs/core/http' {
  export interface HttpContext {
    business: Business
  }
}
