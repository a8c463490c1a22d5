import { test } from '@japa/runner'
import { anonymousSession } from '#tests/helpers/http_session'

const base = () => `http://${process.env.HOST}:${process.env.PORT}`

/**
 * Bodies a stranger can send: small where no one is signed in, never
 * parsed past their route's limit, never answered with the parser's
 * internals, never copied into the session cookie.
 */
test.group('Body limits', () => {
  test('a 1M-key body to the login is refused while the server keeps answering', async ({
    assert,
  }) => {
    const keys = Array.from({ length: 1_000_000 }, (_, index) => `"k${index}":1`).join(',')
    const body = `{"email":"a@b.co","password":"x",${keys}}`
    const [login, health] = await Promise.all([
      fetch(`${base()}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'accept': 'application/json' },
        body,
      }),
      new Promise<void>((resolve) => setTimeout(resolve, 20)).then(() =>
        fetch(`${base()}/health/live`)
      ),
    ])
    assert.equal(login.status, 413)
    const answer = (await login.json()) as { message: string }
    assert.equal(answer.message, 'Lo que enviaste es demasiado grande.')
    assert.equal(health.status, 200)
  })

  test('the login takes a small body; a signed-in route takes up to 1 MB', async ({ assert }) => {
    const padding = 'x'.repeat(20_000)
    const login = await fetch(`${base()}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept': 'application/json' },
      body: JSON.stringify({ email: 'a@b.co', password: padding }),
    })
    assert.equal(login.status, 413)

    const big = await fetch(`${base()}/business`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(1_100_000) }),
    })
    assert.equal(big.status, 413)
    const fits = await fetch(`${base()}/business`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(20_000) }),
    })
    assert.equal(fits.status, 401)
  })

  test('JSON nested past the parser is a plain 400', async ({ assert }) => {
    const depth = 400_000
    const response = await fetch(`${base()}/business`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept': 'application/json' },
      body: '['.repeat(depth) + ']'.repeat(depth),
    })
    assert.equal(response.status, 400)
    const text = await response.text()
    assert.notInclude(text, 'call stack')
    assert.include(text, 'No pudimos leer lo que enviaste.')
  })

  test('a form that fails validation does not copy its body into the cookie', async ({
    assert,
  }) => {
    const session = await anonymousSession()
    const response = await session.fetch('/register', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        name: 'y'.repeat(12_000),
        email: 'no-es-un-correo',
        password: 'corta',
      }).toString(),
    })
    assert.equal(response.status, 302)
    const cookies = response.headers.getSetCookie().join('; ')
    assert.isBelow(cookies.length, 4_096)
    assert.notInclude(cookies, 'yyyyyyyy')
  })
})
