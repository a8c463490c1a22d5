import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

/**
 * One log line per request once its response is over: method, route,
 * path (without the query string, which may hold a customer's search),
 * status, duration, and the request id and business it concerned. Bodies
 * are never logged. Health probes log at debug level only.
 */
export default class RequestLoggerMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const started = process.hrtime.bigint()
    const raw = ctx.response.response
    raw.once('close', () => {
      const path = ctx.request.url()
      const fields = {
        method: ctx.request.method(),
        route: ctx.route?.pattern,
        path,
        status: raw.statusCode,
        duration_ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
        business_id: ctx.logBusinessId,
        user_id: ctx.auth?.user?.id,
        aborted: raw.writableFinished ? undefined : true,
      }
      if (path.startsWith('/health/')) {
        ctx.logger.debug(fields, 'request')
      } else if (raw.statusCode >= 500) {
        ctx.logger.error(fields, 'request')
      } else {
        ctx.logger.info(fields, 'request')
      }
    })
    return next()
  }
}
