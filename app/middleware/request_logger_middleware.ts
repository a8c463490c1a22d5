import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import app from '@adonisjs/core/services/app'

const DEV_SERVER_FILES =
  /^\/(?:@vite|@fs|@id|@react-refresh|inertia\/|resources\/|app\/shared\/|node_modules\/|__vite)/

/**
 * One log line per request once its response is over: method, route,
 * path (without the query string, which may hold a customer's search),
 * status, duration, and the request id and business it concerned. Bodies
 * are never logged. Health probes log at debug level only. (In development:
 * a short line, and nothing for the dev server's files.)
 */
export default class RequestLoggerMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const path = ctx.request.url()
    /**
     * In development the dev server's own files (page modules, language
     * files, Vite's client) are dozens per page view: not logged.
     */
    if (app.inDev && DEV_SERVER_FILES.test(path)) return next()
    const started = process.hrtime.bigint()
    const raw = ctx.response.response
    raw.once('close', () => {
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
      if (app.inDev) {
        /**
         * One short line in the developer's console.
         */
        const line = `${fields.method} ${path} ${fields.status} ${fields.duration_ms} ms`
        if (raw.statusCode >= 500) ctx.logger.error(line)
        else ctx.logger.info(line)
      } else if (path.startsWith('/health/')) {
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
