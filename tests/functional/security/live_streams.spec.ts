import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import { createOwnerWithBusiness } from '#tests/helpers/factories'
import { anonymousSession, signedInSession } from '#tests/helpers/http_session'
import { MAX_STREAMS_PER_USER } from '#services/live_streams'

/**
 * Live events: only for people signed in, a few streams each, and a
 * stream is its opener's (a known uid takes nothing).
 */
test.group('Live streams', () => {
  test('a stranger cannot open a stream', async ({ assert }) => {
    const stranger = await anonymousSession()
    const response = await stranger.fetch(`/__transmit/events?uid=${randomUUID()}`)
    assert.equal(response.status, 401)
  })

  test('another person cannot take over or subscribe a known uid', async ({ assert }) => {
    const { user, business } = await createOwnerWithBusiness('Tienda en Vivo')
    const { user: other } = await createOwnerWithBusiness('Tienda Vecina')
    const owner = await signedInSession(user.email, 'secreta123')
    const intruder = await signedInSession(other.email, 'secreta123')
    const uid = randomUUID()
    const streams = new AbortController()
    try {
      const mine = await owner.fetch(`/__transmit/events?uid=${uid}`, { signal: streams.signal })
      assert.equal(mine.status, 200)
      const taken = await intruder.fetch(`/__transmit/events?uid=${uid}`, {
        signal: streams.signal,
      })
      assert.equal(taken.status, 409)
      const subscribed = await intruder.fetch('/__transmit/subscribe', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ uid, channel: `businesses/${business.id}` }),
      })
      assert.equal(subscribed.status, 403)
      const own = await owner.fetch('/__transmit/subscribe', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ uid, channel: `businesses/${business.id}` }),
      })
      assert.equal(own.status, 204)
    } finally {
      streams.abort()
    }
  })

  test('one person holds a few streams at most', async ({ assert }) => {
    const { user } = await createOwnerWithBusiness('Tienda Muchas Pestañas')
    const session = await signedInSession(user.email, 'secreta123')
    const streams = new AbortController()
    try {
      const statuses: number[] = []
      for (let index = 0; index <= MAX_STREAMS_PER_USER; index++) {
        const response = await session.fetch(`/__transmit/events?uid=${randomUUID()}`, {
          signal: streams.signal,
        })
        statuses.push(response.status)
      }
      assert.deepEqual(
        statuses.slice(0, MAX_STREAMS_PER_USER),
        Array(MAX_STREAMS_PER_USER).fill(200)
      )
      assert.equal(statuses.at(-1), 429)
    } finally {
      streams.abort()
    }
  })
})
