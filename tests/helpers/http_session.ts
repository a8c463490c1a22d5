/**
 * A browser's session over plain HTTP, not signed in: the session and
 * XSRF cookies the app hands out, the XSRF token sent back as a header. On
 * this test run's server, or on the app at `base`.
 */
export async function anonymousSession(base = `http://${process.env.HOST}:${process.env.PORT}`) {
  const jar = new Map<string, string>()

  const remember = (response: Response) => {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';')
      const index = pair.indexOf('=')
      jar.set(pair.slice(0, index), pair.slice(index + 1))
    }
  }
  const cookieHeader = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
  const xsrf = () => decodeURIComponent(jar.get('XSRF-TOKEN') ?? '')

  /**
   * Any route gives the session and XSRF cookies (no page is rendered: a
   * production server started from the source tree has no built pages).
   */
  remember(await fetch(`${base}/health/live`, { redirect: 'manual' }))

  return {
    base,
    remember,
    /**
     * Drops a cookie, as if the browser never had it.
     */
    forget: (name: string) => jar.delete(name),
    /**
     * The Cookie header the browser would send (to any replica).
     */
    cookies: cookieHeader,
    fetch: (path: string, init: RequestInit = {}) =>
      fetch(`${base}${path}`, {
        ...init,
        redirect: 'manual',
        headers: { ...(init.headers ?? {}), 'cookie': cookieHeader(), 'x-xsrf-token': xsrf() },
      }),
  }
}

/**
 * A signed-in session over plain HTTP, as a browser holds it: cookies from
 * the login page, the XSRF token sent back as a header. On this test run's
 * server, or on the app at `base`.
 */
export async function signedInSession(
  email: string,
  password: string,
  base = `http://${process.env.HOST}:${process.env.PORT}`
) {
  const session = await anonymousSession(base)
  const login = await session.fetch('/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  })
  session.remember(login)
  if (login.status !== 302 || login.headers.get('location') !== '/dashboard') {
    throw new Error(`login failed: ${login.status} ${login.headers.get('location')}`)
  }
  return { base, cookies: session.cookies, forget: session.forget, fetch: session.fetch }
}
