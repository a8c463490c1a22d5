import { HttpContext } from '@adonisjs/core/http'

/**
 * Notes which business the current request concerns, for its log line
 * (called where a request's business is resolved).
 */
export function noteBusinessInLogs(businessId: string, ctx = HttpContext.get()) {
  if (ctx) ctx.logBusinessId = businessId
}

declare module '@adonisjs/core/http' {
  export interface HttpContext {
    logBusinessId?: string
  }
}
