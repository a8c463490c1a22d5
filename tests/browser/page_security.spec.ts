import { test } from '@japa/runner'
import { createOwnerWithBusiness } from '#tests/helpers/factories'
import { anonymousSession } from '#tests/helpers/http_session'

/**
 * The pages work under their Content-Security-Policy, and say so in
 * every answer with the other protective headers.
 */
test.group('Page security headers', () => {
  test('pages send a CSP they pass with; cookies are HttpOnly and SameSite', async ({
    browserContext,
    assert,
  }) => {
    const stranger = await anonymousSession()
    const login = await stranger.fetch('/login')
    const csp = login.headers.get('content-security-policy') ?? ''
    assert.include(csp, "default-src 'self'")
    assert.include(csp, "object-src 'none'")
    assert.include(csp, "frame-ancestors 'none'")
    assert.equal(login.headers.get('x-frame-options'), 'DENY')
    assert.equal(login.headers.get('x-content-type-options'), 'nosniff')
    const session = login.headers
      .getSetCookie()
      .find((cookie) => cookie.startsWith('adonis-session='))
    assert.match(session ?? '', /HttpOnly/i)
    assert.match(session ?? '', /SameSite=Lax/i)

    const { user } = await createOwnerWithBusiness('Tienda con Política')
    await browserContext.loginAs(user)
    const refused: string[] = []
    const page = await browserContext.newPage()
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) refused.push(message.text())
    })
    for (const path of ['/dashboard', '/inbox', '/agent/playground', '/catalog']) {
      await page.goto(`http://${process.env.HOST}:${process.env.PORT}${path}`)
      await page.waitForLoadState('networkidle')
      await page.locator('main').first().waitFor()
    }
    assert.deepEqual(refused, [])
  })
})
