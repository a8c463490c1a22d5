import { DateTime } from 'luxon'
import app from '@adonisjs/core/services/app'
import type { HttpContext } from '@adonisjs/core/http'
import { SessionCollection } from '@adonisjs/session'
import User from '#models/user'

/**
 * How long a web session lasts at most, however active (it also ends
 * after two idle hours: config/session.ts).
 */
export const SESSION_LIFETIME_HOURS = 12

const SIGNED_IN_AT = 'auth.signedInAt'

/**
 * A person's ways in: their web sessions (kept on the server, tagged with
 * them) and their API tokens.
 */
export const userSessions = {
  /**
   * After a login: the session is theirs (so it can be ended from
   * elsewhere) and starts its lifetime.
   */
  async started(ctx: HttpContext, user: User) {
    ctx.session.put(SIGNED_IN_AT, DateTime.now().toISO())
    const sessions = await app.container.make(SessionCollection)
    if (sessions.supportsTagging()) await ctx.session.tag(String(user.id))
  },

  /**
   * Whether the session outlived its lifetime (it is then ended). One
   * signed in before lifetimes existed starts its own now.
   */
  expired(ctx: HttpContext) {
    const since = ctx.session.get(SIGNED_IN_AT) as string | undefined
    if (!since) {
      ctx.session.put(SIGNED_IN_AT, DateTime.now().toISO())
      return false
    }
    return DateTime.fromISO(since).plus({ hours: SESSION_LIFETIME_HOURS }) < DateTime.now()
  },

  /**
   * Ends every session and API token of a person at once (log out
   * everywhere, a new password). Answers how many of each.
   */
  async endAll(user: User) {
    let sessions = 0
    const collection = await app.container.make(SessionCollection)
    if (collection.supportsTagging()) {
      for (const session of await collection.tagged(String(user.id))) {
        await collection.destroy(session.id)
        sessions += 1
      }
    }
    const tokens = await User.accessTokens.all(user)
    for (const token of tokens) await User.accessTokens.delete(user, token.identifier)
    return { sessions, tokens: tokens.length }
  },
}
