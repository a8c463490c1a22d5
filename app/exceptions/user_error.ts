import { Exception } from '@adonisjs/core/exceptions'
import type { HttpContext } from '@adonisjs/core/http'

/**
 * An error the person can act on. It carries an i18n key, answered as a
 * translated message: JSON `{ message, errors }` to API clients, a flash
 * message (or a field error) and a redirect back for the web app.
 */
export default class UserError extends Exception {
  constructor(
    public translationKey: string,
    public options: { status?: number; field?: string; data?: Record<string, unknown> } = {}
  ) {
    super(translationKey, { status: options.status ?? 422, code: 'E_USER_ERROR' })
  }

  async handle(error: this, ctx: HttpContext) {
    const message = ctx.i18n.t(error.translationKey, error.options.data ?? {})
    const field = error.options.field

    if (!wantsJson(ctx)) {
      if (field) {
        ctx.session.flash('inputErrorsBag', { [field]: [message] })
      } else {
        ctx.session.flash('error', message)
      }
      return ctx.response.redirect().back()
    }

    return ctx.response.status(error.status).send({
      message,
      errors: [{ message, ...(field ? { field } : {}) }],
    })
  }
}

/**
 * Whether the client reads JSON (API clients) rather than pages (browsers
 * and Inertia visits). The JSON API (routes named "api.*") always answers
 * JSON, even to errors raised before its `json` middleware has run.
 */
export function wantsJson(ctx: HttpContext) {
  if (ctx.route?.name?.startsWith('api.')) {
    return true
  }
  return !ctx.request.header('x-inertia') && ctx.request.accepts(['html', 'json']) === 'json'
}
