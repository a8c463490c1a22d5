import { randomUUID } from 'node:crypto'

/**
 * A browser signed in to the app over plain HTTP (session cookies, the
 * XSRF token sent back as a header), listening to a business's live
 * events as the inbox page does: one Transmit stream, subscribed to the
 * business's channel.
 */
export async function subscribeToBusiness(
  base: string,
  credentials: { email: string; password: string },
  businessId: string,
  onEvent: (data: any, at: number) => void
) {
  const jar = new Map<string, string>()
  const remember = (response: Response) => {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';')
      const index = pair.indexOf('=')
      jar.set(pair.slice(0, index), pair.slice(index + 1))
    }
  }
  const headers = () => ({
    'cookie': [...jar].map(([name, value]) => `${name}=${value}`).join('; '),
    'x-xsrf-token': decodeURIComponent(jar.get('XSRF-TOKEN') ?? ''),
  })

  remember(await fetch(`${base}/health/live`, { redirect: 'manual' }))
  const login = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/json', ...headers() },
    body: JSON.stringify(credentials),
  })
  remember(login)
  if (login.status !== 302) throw new Error(`login failed: ${login.status}`)

  const uid = randomUUID()
  const abort = new AbortController()
  const stream = await fetch(`${base}/__transmit/events?uid=${uid}`, {
    headers: headers(),
    signal: abort.signal,
  })
  if (stream.status !== 200) throw new Error(`the event stream answered ${stream.status}`)
  const subscribed = await fetch(`${base}/__transmit/subscribe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers() },
    body: JSON.stringify({ uid, channel: `businesses/${businessId}` }),
  })
  if (subscribed.status !== 204) throw new Error(`subscribing answered ${subscribed.status}`)

  const reading = (async () => {
    const reader = stream.body!.getReader()
    const decoder = new TextDecoder()
    let buffer = ''
    try {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) return
        const at = performance.now()
        buffer += decoder.decode(value, { stream: true })
        let boundary = buffer.indexOf('\n\n')
        while (boundary !== -1) {
          const block = buffer.slice(0, boundary)
          buffer = buffer.slice(boundary + 2)
          boundary = buffer.indexOf('\n\n')
          const data = block
            .split('\n')
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5).trim())
            .join('\n')
          if (!data) continue
          try {
            onEvent(JSON.parse(data), at)
          } catch {}
        }
      }
    } catch (error) {
      if (!abort.signal.aborted) throw error
    }
  })()

  return {
    async close() {
      abort.abort()
      await reading
    },
  }
}
