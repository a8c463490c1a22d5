import { randomUUID } from 'node:crypto'
import { readEvents } from '#tests/helpers/app_processes'
import { signedInSession } from '#tests/helpers/http_session'

/**
 * A browser signed in to the app over plain HTTP, listening to a
 * business's live events as the inbox page does: one Transmit stream,
 * subscribed to the business's channel. `onEvent` gets each event and
 * `performance.now()` when it arrived.
 */
export async function subscribeToBusiness(
  base: string,
  credentials: { email: string; password: string },
  businessId: string,
  onEvent: (data: any, at: number) => void
) {
  const session = await signedInSession(credentials.email, credentials.password, base)
  const uid = randomUUID()
  const abort = new AbortController()
  const stream = await session.fetch(`/__transmit/events?uid=${uid}`, { signal: abort.signal })
  if (stream.status !== 200) throw new Error(`the event stream answered ${stream.status}`)
  const subscribed = await session.fetch('/__transmit/subscribe', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ uid, channel: `businesses/${businessId}` }),
  })
  if (subscribed.status !== 204) throw new Error(`subscribing answered ${subscribed.status}`)

  const reading = readEvents(stream, (data, at) => {
    onEvent(data, at)
  }).catch((error) => {
    if (!abort.signal.aborted) throw error
  })

  return {
    async close() {
      abort.abort()
      await reading
    },
  }
}
