import type { ApiClient } from '@japa/api-client'
import type User from '#models/user'

/**
 * Visits a page as Inertia's client does (X-Inertia with the current asset
 * version) and answers the page object: { component, props, url }.
 * The version is learnt from the server's 409 answer, as the client does.
 */
export async function inertiaVisit(
  client: ApiClient,
  url: string,
  options: {
    user?: User
    session?: Record<string, string | number | boolean>
    locale?: 'es' | 'en'
  } = {}
) {
  const request = (version?: string) => {
    let builder = client.get(url).header('x-inertia', 'true')
    if (version) builder = builder.header('x-inertia-version', version)
    if (options.user) builder = builder.loginAs(options.user)
    if (options.session) builder = builder.withSession(options.session)
    if (options.locale) builder = builder.plainCookie('atiende_locale', options.locale)
    return builder
  }

  let response = await request()
  if (response.status() === 409) {
    response = await request(response.header('x-inertia-version'))
  }
  return response
}
