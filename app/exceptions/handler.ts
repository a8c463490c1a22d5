import app from '@adonisjs/core/services/app'
import { type HttpContext, ExceptionHandler } from '@adonisjs/core/http'
import type { StatusPageRange, StatusPageRenderer } from '@adonisjs/core/types/http'
import UserError, { wantsJson } from '#exceptions/user_error'
import { GatewayRejectedError, GatewayUnavailableError } from '#services/whatsapp/gateway_errors'

/**
 * Errors that carry no details worth showing: answered with a translated
 * message of our own.
 */
const TRANSLATED_CODES: Record<string, { status: number; key: string }> = {
  E_ROW_NOT_FOUND: { status: 404, key: 'errors.E_ROW_NOT_FOUND' },
  E_ROUTE_NOT_FOUND: { status: 404, key: 'errors.E_ROUTE_NOT_FOUND' },
}

/**
 * Requests that fail before any of our code runs, by the client's doing:
 * - bodies the body parser could not read: larger than its limit,
 *   compressed with an encoding it does not know, or not decompressible
 *   (gzip and deflate fail with zlib's Z_* codes, brotli with ERR__ERROR_*);
 * - /uploads/<key> addresses that cannot name a stored file (characters
 *   keys never have, "..", nothing at all): Drive refuses them before it
 *   checks the signature.
 * They get a translated 4xx, never a 500.
 */
const UNSERVABLE_KEY_CODES = new Set([
  'E_UNALLOWED_CHARACTERS',
  'E_PATH_TRAVERSAL_DETECTED',
  'E_INVALID_KEY',
])

function clientFault(error: unknown, ctx: HttpContext) {
  const code = (error as { code?: unknown })?.code
  if (code === 'E_REQUEST_ENTITY_TOO_LARGE') {
    return { status: 413, key: 'errors.E_REQUEST_ENTITY_TOO_LARGE' }
  }
  if (code === 'E_ENCODING_UNSUPPORTED') {
    return { status: 415, key: 'errors.E_ENCODING_UNSUPPORTED' }
  }
  if (typeof code === 'string' && /^(Z_|ERR__ERROR_)/.test(code)) {
    return { status: 400, key: 'errors.unreadable_body' }
  }
  /**
   * JSON that does not parse, or nests deeper than the parser's stack:
   * the parser's own message ("Maximum call stack size exceeded") is an
   * internal one.
   */
  if (
    (error instanceof SyntaxError || error instanceof RangeError) &&
    (error as { status?: number }).status === 400 &&
    'body' in error
  ) {
    return { status: 400, key: 'errors.unreadable_body' }
  }
  if (
    typeof code === 'string' &&
    UNSERVABLE_KEY_CODES.has(code) &&
    ctx.route?.name?.startsWith('drive.')
  ) {
    return { status: 404, key: 'errors.E_ROUTE_NOT_FOUND' }
  }
  return null
}

export default class HttpExceptionHandler extends ExceptionHandler {
  protected debug = !app.inProduction

  /**
   * Browsers get the app's own 404 and 500 pages in production.
   */
  protected renderStatusPages = app.inProduction

  protected statusPages: Record<StatusPageRange, StatusPageRenderer> = {
    '404': (_, { inertia }) => inertia.render('errors/not_found', {}),
    '500..599': (_, { inertia }) => inertia.render('errors/server_error', {}),
  }

  async handle(error: unknown, ctx: HttpContext) {
    /**
     * The WhatsApp gateway down or refusing: the person gets a translated
     * explanation, never the gateway's internals.
     */
    if (error instanceof GatewayUnavailableError) {
      const userError = new UserError('whatsapp.errors.gateway_unavailable', { status: 503 })
      return userError.handle(userError, ctx)
    }
    if (error instanceof GatewayRejectedError) {
      const key =
        error.reason === 'not_on_whatsapp'
          ? 'whatsapp.errors.not_on_whatsapp'
          : 'whatsapp.errors.gateway_rejected'
      const userError = new UserError(key, { status: 422 })
      return userError.handle(userError, ctx)
    }

    const code = (error as { code?: string })?.code
    const json = wantsJson(ctx)

    /**
     * The body parser runs before the session exists: the message goes in
     * the answer itself (JSON, or text for browsers and webhooks).
     */
    const fault = clientFault(error, ctx)
    if (fault) {
      const message = ctx.i18n ? ctx.i18n.t(fault.key) : fault.key
      return ctx.response
        .status(fault.status)
        .send(json ? { message, errors: [{ message }] } : message)
    }

    if (json && code && TRANSLATED_CODES[code]) {
      const { status, key } = TRANSLATED_CODES[code]
      const message = ctx.i18n ? ctx.i18n.t(key) : key
      return ctx.response.status(status).send({ message, errors: [{ message }] })
    }

    /**
     * A server error never reaches a client with its internals in
     * production: it is logged (report) and answered in general terms.
     */
    const status = (error as { status?: number })?.status ?? 500
    if (json && status >= 500 && app.inProduction) {
      const message = ctx.i18n ? ctx.i18n.t('errors.server_error') : 'Server error'
      return ctx.response.status(500).send({ message, errors: [{ message }] })
    }

    return super.handle(error, ctx)
  }

  /**
   * A form that fails validation goes back with its errors, never with
   * its input: the pages keep what was typed, and a big body flashed into
   * the session cookie made a Set-Cookie of megabytes.
   */
  async renderValidationErrorAsHTML(error: any, ctx: HttpContext) {
    if (!ctx.session) return super.renderValidationErrorAsHTML(error, ctx)
    ctx.session.flashValidationErrors(error, false)
    ctx.response.redirect('back', true)
  }

  async report(error: unknown, ctx: HttpContext) {
    return super.report(error, ctx)
  }
}
