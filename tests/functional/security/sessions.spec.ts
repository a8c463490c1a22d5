import { test } from '@japa/runner'
import { Settings } from 'luxon'
import { createOwnerWithBusiness, tokenFor } from '#tests/helpers/factories'
import { signedInSession } from '#tests/helpers/http_session'

const base = () => `http://${process.env.HOST}:${process.env.PORT}`

/**
 * Opens the dashboard with a Cookie header as a browser (or a thief with
 * a copy of it) would send it.
 */
function dashboardWith(cookies: string) {
  return fetch(`${base()}/dashboard`, { headers: { cookie: cookies }, redirect: 'manual' })
}

/**
 * Web sessions live on the server: ending one ends every copy of its
 * cookie. (Tests keep them in memory, production in PostgreSQL: the
 * test client's loginAs does not wait for a database store's write.)
 */
test.group('Sessions that end', () => {
  test('a copied session cookie stops working after logout', async ({ assert }) => {
    const { user } = await createOwnerWithBusiness('Tienda Sesiones')
    const session = await signedInSession(user.email, 'secreta123')
    const copy = session.cookies()
    const before = await dashboardWith(copy)
    assert.equal(before.status, 200)

    const logout = await session.fetch('/logout', { method: 'POST' })
    assert.equal(logout.status, 302)
    const replayed = await dashboardWith(copy)
    assert.equal(replayed.status, 302)
    assert.equal(replayed.headers.get('location'), '/login')
  })

  test('log out everywhere ends every session and API token of the person', async ({ assert }) => {
    const { user } = await createOwnerWithBusiness('Tienda Todas')
    const laptop = await signedInSession(user.email, 'secreta123')
    const phone = await signedInSession(user.email, 'secreta123')
    const token = await tokenFor(user)
    const phoneCookies = phone.cookies()

    const everywhere = await laptop.fetch('/logout/everywhere', { method: 'POST' })
    assert.equal(everywhere.status, 302)
    assert.equal(everywhere.headers.get('location'), '/login')
    const onPhone = await dashboardWith(phoneCookies)
    const onLaptop = await dashboardWith(laptop.cookies())
    assert.equal(onPhone.status, 302)
    assert.equal(onLaptop.status, 302)
    const api = await fetch(`${base()}/auth/me`, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    })
    assert.equal(api.status, 401)
  })

  test('a session ends after its lifetime however active it is', async ({ assert }) => {
    const { user } = await createOwnerWithBusiness('Tienda Larga')
    const session = await signedInSession(user.email, 'secreta123')
    const fresh = await session.fetch('/dashboard')
    assert.equal(fresh.status, 200)

    const realNow = Settings.now
    Settings.now = () => realNow() + 13 * 60 * 60 * 1000
    let old
    try {
      old = await session.fetch('/dashboard')
    } finally {
      Settings.now = realNow
    }
    assert.equal(old.status, 302)
    assert.equal(old.headers.get('location'), '/login')
  })
})
