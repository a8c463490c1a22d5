import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { MultipartFile } from '@adonisjs/core/bodyparser'
import UserError from '#exceptions/user_error'

/**
 * PostgreSQL cannot store the NUL character (U+0000) in text or JSON: a
 * value with one would fail its query with a 500. Nobody types it, so a
 * request carrying one (in its path, query, body or a file name) is
 * refused with a translated 400 before any of it is read.
 *
 * The WhatsApp webhooks skip it (start/kernel.ts): the gateway would not
 * retry a refused delivery, so their parser drops NULs from customers'
 * texts instead.
 */
export default class RefuseNulCharactersMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    if (carriesNul(ctx)) {
      throw new UserError('errors.nul_character', { status: 400 })
    }
    return next()
  }
}

function carriesNul({ request, params }: HttpContext) {
  return [params, request.qs(), request.body(), request.allFiles()].some(containsNul)
}

/**
 * Whether a string, key or file name anywhere inside `value` has a NUL.
 * Walked with a stack, not recursion: a JSON body may nest very deep.
 */
function containsNul(value: unknown) {
  const pending: unknown[] = [value]
  while (pending.length > 0) {
    const current = pending.pop()
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return true
    } else if (current instanceof MultipartFile) {
      if (current.clientName.includes('\u0000')) return true
    } else if (current && typeof current === 'object') {
      for (const [key, entry] of Object.entries(current)) {
        if (key.includes('\u0000')) return true
        pending.push(entry)
      }
    }
  }
  return false
}
