import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

type MiddlewareClass = new (...args: any[]) => {
  handle(ctx: HttpContext, next: NextFn): unknown
}

/**
 * Whether the request is one of the WhatsApp gateway's webhook deliveries
 * (routes named `webhooks.*`).
 */
export function isWebhook(ctx: HttpContext) {
  return ctx.route?.name?.startsWith('webhooks.') === true
}

/**
 * A router middleware that does not run for the WhatsApp gateway's
 * webhooks (routes named `webhooks.*`). Those requests authenticate with
 * their instance's secret and carry no cookies: a session, CSRF secret,
 * auth or Bouncer would only cost each delivery (a session id, two
 * encrypted cookies and random bytes for CSRF) and answer the gateway with
 * cookies it ignores. Everywhere else the middleware runs as it would on
 * its own, resolved through the container.
 */
export function exceptWebhooks(middleware: () => Promise<{ default: MiddlewareClass }>) {
  return async () => {
    const { default: Middleware } = await middleware()
    class ExceptWebhooks {
      async handle(ctx: HttpContext, next: NextFn) {
        if (isWebhook(ctx)) return next()
        const instance = await ctx.containerResolver.make(Middleware)
        return instance.handle(ctx, next)
      }
    }
    return { default: ExceptWebhooks }
  }
}
