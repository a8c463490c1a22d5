import type { HttpContext } from '@adonisjs/core/http'

/**
 * The live streams (server-sent events) this process holds: each opened
 * by a signed-in person, bound to them by its uid (another client cannot
 * open a stream with the same uid and take its events, nor subscribe
 * it), and a few at most per person and per address.
 */
export const MAX_STREAMS_PER_USER = 10
export const MAX_STREAMS_PER_ADDRESS = 30

type Stream = {
  userId: string
  sessionId: string
  address: string
  end: () => void
}

class LiveStreams {
  #streams = new Map<string, Stream>()
  #perUser = new Map<string, number>()
  #perAddress = new Map<string, number>()

  /**
   * Takes a stream for the person, or says why not. Released when the
   * response closes.
   */
  open(ctx: HttpContext, uid: string, userId: string): 'open' | 'taken' | 'too_many' {
    const sessionId = ctx.session.sessionId
    const existing = this.#streams.get(uid)
    if (existing) {
      /**
       * The same browser coming back (its connection dropped and the
       * server has not noticed yet): the old stream makes way.
       */
      if (existing.sessionId !== sessionId) return 'taken'
      existing.end()
      this.#close(uid)
    }
    const address = ctx.request.ip()
    if ((this.#perUser.get(userId) ?? 0) >= MAX_STREAMS_PER_USER) return 'too_many'
    if ((this.#perAddress.get(address) ?? 0) >= MAX_STREAMS_PER_ADDRESS) return 'too_many'
    const response = ctx.response.response
    const stream: Stream = { userId, sessionId, address, end: () => response.destroy() }
    this.#streams.set(uid, stream)
    bump(this.#perUser, userId, 1)
    bump(this.#perAddress, address, 1)
    response.once('close', () => {
      if (this.#streams.get(uid) === stream) this.#close(uid)
    })
    return 'open'
  }

  /**
   * Whether the uid is a stream this person opened here.
   */
  owns(uid: string, userId: string) {
    return this.#streams.get(uid)?.userId === userId
  }

  #close(uid: string) {
    const stream = this.#streams.get(uid)
    if (!stream) return
    this.#streams.delete(uid)
    bump(this.#perUser, stream.userId, -1)
    bump(this.#perAddress, stream.address, -1)
  }
}

function bump(counts: Map<string, number>, key: string, by: number) {
  const next = (counts.get(key) ?? 0) + by
  if (next <= 0) counts.delete(key)
  else counts.set(key, next)
}

export const liveStreams = new LiveStreams()
