import { test } from '@japa/runner'
import User from '#models/user'

/**
 * A new owner, in Spanish, from the registration page to the dashboard.
 */
test.group('Onboarding in the browser', () => {
  test('register → onboarding → dashboard', async ({ visit, assert }) => {
    const email = `rosa-${Date.now()}@example.com`
    const page = await visit('/register')

    await page.assertTextContains('h1', 'Crea tu cuenta')

    await page.getByRole('button', { name: 'Crear cuenta' }).click()
    await page.assertTextContains('#name-error', 'Escribe el nombre.')

    await page.getByLabel('Tu nombre').fill('Rosa Pérez')
    await page.getByLabel('Correo electrónico').fill(email)
    await page.getByLabel('Contraseña').fill('secreta123')
    await page.getByRole('button', { name: 'Crear cuenta' }).click()

    await page.waitForURL('**/onboarding')
    await page.assertTextContains('h1', 'Cuéntanos de tu negocio')
    assert.isTrue(await page.getByRole('button', { name: 'Cerrar sesión' }).isVisible())
    await page.getByLabel('Nombre del negocio').fill('Zapatería Rosa')
    await page.getByLabel('Giro').fill('Calzado')
    await page.getByLabel('País').selectOption({ label: 'Argentina' })
    // The country's time zones come first, its main one chosen.
    assert.equal(await page.getByLabel('Zona horaria').inputValue(), 'America/Buenos_Aires')
    assert.equal(
      await page.locator('#timezone optgroup').first().getAttribute('label'),
      'Zonas horarias de Argentina'
    )
    assert.isAbove(await page.locator('#timezone option').count(), 300)
    await page.getByRole('button', { name: 'Continuar' }).click()

    await page.waitForURL('**/onboarding/ai')
    await page.assertTextContains('h1', 'Conecta tu clave de OpenAI')
    await page.getByRole('link', { name: 'Hacerlo después' }).click()

    await page.waitForURL('**/dashboard')
    await page.assertTextContains('h1', 'Hola, Rosa')
    await page.assertTextContains('[data-testid=setup-progress]', '1 de 5 pasos listos')
    // Without a key the bot cannot answer, and the dashboard says so.
    await page.assertTextContains('[data-testid=bot-state]', 'Apagado: falta tu clave de OpenAI')

    const user = await User.findByOrFail('email', email)
    const businesses = await user.related('businesses').query()
    assert.deepEqual(
      businesses.map((business) => [business.name, business.country, business.timezone]),
      [['Zapatería Rosa', 'AR', 'America/Buenos_Aires']]
    )
  })

  test('the language switch turns the interface to English', async ({ visit }) => {
    const page = await visit('/login')
    await page.assertTextContains('h1', 'Inicia sesión')
    await page.getByRole('button', { name: 'English' }).click()
    await page.assertTextContains('h1', 'Sign in')
  })
})
