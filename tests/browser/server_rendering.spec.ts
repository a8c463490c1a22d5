import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import type { Page } from 'playwright'
import { createOwnerWithBusiness } from '#tests/helpers/factories'
import { createConversation } from '#tests/helpers/inbox'
import { signedInSession } from '#tests/helpers/http_session'

const base = () => `http://${process.env.HOST}:${process.env.PORT}`

/**
 * An owner with a conversation from yesterday and today, from a customer
 * whose WhatsApp name is markup. The business keeps its own time zone
 * and the browsers below are elsewhere (Tokyo; the server runs in UTC):
 * a time formatted in any zone but the business's differs between the
 * server's HTML and the browser's.
 */
async function ownerWithInbox() {
  const { user, business } = await createOwnerWithBusiness('Tienda Prerenderizada')
  business.timezone = 'America/Mexico_City'
  await business.save()
  const customer = 'Cliente <!--<script>'
  await createConversation(business, {
    pushName: customer,
    unreadCount: 1,
    botPausedUntil: DateTime.now().plus({ hours: 2 }),
    messages: [
      { body: 'Buenas tardes', sentAt: DateTime.now().minus({ days: 1, hours: 2 }) },
      { body: '¿Tienen tenis rojos en talla 26?', sentAt: DateTime.now().minus({ minutes: 5 }) },
    ],
  })
  return { user, customer }
}

/**
 * First visits come rendered from the server (inertia/ssr.ts): the page
 * can be read before its scripts arrive, and the browser then hydrates
 * that HTML without finding anything it would render differently.
 */
test.group('Server-side rendering', () => {
  test('pages are readable with JavaScript off, and the inbox HTML escapes stored text', async ({
    browser,
    assert,
  }) => {
    const { user, customer } = await ownerWithInbox()
    const noScript = await browser.newContext({
      javaScriptEnabled: false,
      locale: 'es-MX',
      baseURL: base(),
    })
    const anonymous = await noScript.newPage()
    await anonymous.goto('/login')
    await anonymous.getByRole('heading', { name: 'Inicia sesión' }).waitFor()
    await anonymous.getByLabel('Correo electrónico').waitFor()
    assert.equal(await anonymous.title(), 'Inicia sesión · Atiende')

    await noScript.loginAs(user)
    const page = await noScript.newPage()
    await page.goto('/dashboard')
    await page.getByText(`Hola, ${user.fullName.split(' ')[0]}`).waitFor()
    await page.getByText('Prepara a tu asistente').waitFor()
    await page.goto('/inbox')
    const inbox = page.locator('[data-testid=inbox]')
    await inbox.getByText(customer).waitFor()
    await inbox.getByText('¿Tienen tenis rojos en talla 26?').waitFor()
    await noScript.close()

    /**
     * The name is text in the HTML and escaped in the page's data: it
     * opens no comment or element anywhere in the document.
     */
    const session = await signedInSession(user.email, 'secreta123')
    const response = await session.fetch('/inbox')
    const html = await response.text()
    assert.include(html, 'data-server-rendered="true"')
    assert.include(html, 'Cliente &lt;!--&lt;script&gt;')
    assert.notInclude(html, '<!--<script')
  })

  test('login, dashboard and inbox hydrate without mismatches', async ({ browser, assert }) => {
    const { user } = await ownerWithInbox()
    const context = await browser.newContext({
      locale: 'es-MX',
      timezoneId: 'Asia/Tokyo',
      baseURL: base(),
    })
    const warnings: string[] = []
    const listen = (page: Page) =>
      page.on('console', (message) => {
        if (/hydration|mismatch/i.test(message.text())) warnings.push(message.text())
      })
    /**
     * goto waits for the app to be live (tests/helpers/hydration.ts):
     * Vue has compared the server's HTML with its own render by then.
     */
    const live = async (page: Page, path: string) => {
      await page.goto(path)
      await page.locator('#app[data-server-rendered]').waitFor({ state: 'attached' })
    }

    const anonymous = await context.newPage()
    listen(anonymous)
    await live(anonymous, '/login')

    await context.loginAs(user)
    const page = await context.newPage()
    listen(page)
    await live(page, '/dashboard')
    await live(page, '/inbox')
    await page.locator('[data-testid=conversation-item]').first().click()
    await page.waitForURL('**/inbox/*')
    await page.assertTextContains('[data-testid=thread]', 'Buenas tardes')
    await live(page, page.url())
    await context.close()

    assert.deepEqual(warnings, [])
  })
})
