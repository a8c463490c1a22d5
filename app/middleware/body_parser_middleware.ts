import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import BodyParserMiddleware from '@adonisjs/core/bodyparser_middleware'
import app from '@adonisjs/core/services/app'
import { isWebhook } from '#middleware/except_webhooks'
import { MAX_MESSAGE_MEDIA_BYTES } from '#services/media_storage'
import { WebhookBodyError, inlinedFiles, readWebhookBody } from '#services/whatsapp/webhook_body'
import {
  preAuthenticated,
  refuseDelivery,
  webhookInstances,
} from '#services/whatsapp/webhook_instances'

/**
 * How big a body each kind of route takes (the webhook's own reader has
 * its limits, see below). A stranger reaches the routes of people who are
 * not signed in yet with small bodies only; files go only to the routes
 * that take them; every other body is a form or JSON of at most 1 MB.
 * Counted as the body streams in: a bigger one is refused with 413 before
 * it is parsed.
 */
const LIMITS = {
  anonymous: { json: '16kb', form: '16kb', multipart: '16kb' },
  uploads: { json: '1mb', form: '1mb', multipart: '20mb' },
  standard: { json: '1mb', form: '1mb', multipart: '1mb' },
} as const

/**
 * Routes anyone may post to (before an account or a session exists).
 */
const ANONYMOUS_ROUTES = new Set([
  'session.store',
  'registration.store',
  'api.login',
  'api.register',
  'locale.update',
])

/**
 * Routes that take a file: a photo, a logo, a CSV, a voice note.
 */
const UPLOAD_ROUTES = new Set([
  'catalog.store',
  'catalog.update',
  'catalog.import.preview',
  'catalog.import.store',
  'settings.business.logo',
  'onboarding.store',
  'api.products.store',
  'api.products.update',
  'inbox.messages.store',
  'api.conversations.reply',
  'whatsapp.simulator.message',
  'agent.playground.turn',
])

const parsers = new Map<keyof typeof LIMITS, BodyParserMiddleware>()

function parserFor(ctx: HttpContext) {
  const name = ctx.route?.name ?? ''
  const kind = ANONYMOUS_ROUTES.has(name)
    ? 'anonymous'
    : UPLOAD_ROUTES.has(name)
      ? 'uploads'
      : 'standard'
  let parser = parsers.get(kind)
  if (!parser) {
    const limits = LIMITS[kind]
    parser = parserWith({ limit: limits.json }, { limit: limits.form }, { limit: limits.multipart })
    parsers.set(kind, parser)
  }
  return parser
}

/**
 * The body parser of config/bodyparser.ts, except for the WhatsApp
 * gateway's webhooks: they are read as a stream with their inlined files
 * decoded to disk, and their JSON is parsed without the reviver that turns
 * empty strings into null (a reviver makes JSON.parse several times
 * slower, on every delivery): the same conversion is done afterwards in
 * one pass over the parsed body.
 */
export default class AppBodyParserMiddleware {
  handle(ctx: HttpContext, next: NextFn) {
    if (isWebhook(ctx)) return this.#webhook(ctx, next)
    return parserFor(ctx).handle(ctx, next)
  }

  /**
   * A delivery may inline a whole video: it is read as it streams in, the
   * file decoded to a temporary file (see webhook_body.ts), never answered
   * 413 for its file. The temporary files go once it is answered.
   */
  async #webhook(ctx: HttpContext, next: NextFn) {
    if (ctx.request.method() !== 'POST') return next()
    /**
     * An instance's webhook address names it (?instance=): its secret is
     * checked before a byte of the body is read, so a stranger's body is
     * never parsed. (Addresses set before that carry no name: those are
     * checked after parsing, until whatsapp:resubscribe sets them again.)
     */
    const named = ctx.request.qs().instance
    if (typeof named === 'string' && named) {
      const instance = await webhookInstances.authenticateDelivery(
        named,
        ctx.request.header('authorization'),
        ctx.request.ip()
      )
      if (instance === 'refused' || instance === 'throttled') {
        ctx.response.header('connection', 'close')
        return refuseDelivery(ctx, instance)
      }
      preAuthenticated.set(ctx.request, instance)
    }
    let read
    try {
      read = await readWebhookBody(ctx.request.request, {
        maxJsonBytes: MAX_WEBHOOK_JSON_BYTES,
        maxFileBytes: MAX_MESSAGE_MEDIA_BYTES,
      })
    } catch (error) {
      if (error instanceof WebhookBodyError) {
        return ctx.response.status(error.status).send({ message: error.message })
      }
      throw error
    }
    try {
      ctx.request.updateBody(emptyStringsToNull(read.body))
    } catch (error) {
      await read.cleanup()
      if (error instanceof WebhookBodyError) {
        return ctx.response.status(error.status).send({ message: error.message })
      }
      throw error
    }
    try {
      inlinedFiles.set(ctx.request, read.files)
      return await next()
    } finally {
      await read.cleanup()
    }
  }
}

/**
 * A delivery without its files: messages are short, a contact card list
 * is the longest (a few hundred kilobytes).
 */
const MAX_WEBHOOK_JSON_BYTES = 16 * 1024 * 1024

function parserWith(
  json: { limit: string },
  form: { limit: string },
  multipart: { limit: string }
) {
  const config = app.config.get<any>('bodyparser')
  return new BodyParserMiddleware(
    {
      ...config,
      json: { ...config.json, ...json },
      form: { ...config.form, ...form },
      multipart: { ...config.multipart, ...multipart },
    },
    app.experimentalFlags
  )
}

/**
 * Empty strings to null in one pass, refusing a nesting no delivery has
 * (the validators copy unknown properties recursively).
 */
function emptyStringsToNull(body: unknown): Record<string, any> {
  const pending: [unknown, number][] = [[body, 0]]
  while (pending.length > 0) {
    const [node, depth] = pending.pop() as [Record<string, unknown> | unknown[], number]
    if (depth > MAX_WEBHOOK_DEPTH) {
      throw new WebhookBodyError('Invalid webhook: nested too deep', 400)
    }
    for (const key in node) {
      const value = (node as Record<string, unknown>)[key]
      if (value === '') (node as Record<string, unknown>)[key] = null
      else if (value !== null && typeof value === 'object') pending.push([value, depth + 1])
    }
  }
  return body as Record<string, any>
}

const MAX_WEBHOOK_DEPTH = 64
