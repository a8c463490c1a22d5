import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import BodyParserMiddleware from '@adonisjs/core/bodyparser_middleware'
import app from '@adonisjs/core/services/app'
import { isWebhook } from '#middleware/except_webhooks'

let standard: BodyParserMiddleware | undefined
let webhooks: BodyParserMiddleware | undefined

/**
 * The body parser of config/bodyparser.ts, except for the WhatsApp
 * gateway's webhooks: their JSON is parsed without the reviver that turns
 * empty strings into null (a reviver makes JSON.parse several times
 * slower, on every delivery) and the same conversion is done afterwards in
 * one pass over the parsed body. Same body, same limits, same errors.
 */
export default class AppBodyParserMiddleware {
  handle(ctx: HttpContext, next: NextFn) {
    if (isWebhook(ctx)) {
      webhooks ??= parserWith({ convertEmptyStringsToNull: false })
      return webhooks.handle(ctx, () => {
        ctx.request.updateBody(emptyStringsToNull(ctx.request.body()))
        return next()
      })
    }
    standard ??= parserWith({})
    return standard.handle(ctx, next)
  }
}

function parserWith(json: { convertEmptyStringsToNull?: boolean }) {
  const config = app.config.get<any>('bodyparser')
  return new BodyParserMiddleware(
    { ...config, json: { ...config.json, ...json } },
    app.experimentalFlags
  )
}

function emptyStringsToNull(body: unknown): Record<string, any> {
  const pending: unknown[] = [body]
  while (pending.length > 0) {
    const node = pending.pop() as Record<string, unknown> | unknown[]
    for (const key in node) {
      const value = (node as Record<string, unknown>)[key]
      if (value === '') (node as Record<string, unknown>)[key] = null
      else if (value !== null && typeof value === 'object') pending.push(value)
    }
  }
  return body as Record<string, any>
}
