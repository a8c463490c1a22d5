import { test } from '@japa/runner'
import Message from '#models/message'
import { createOwnerWithBusiness } from '#tests/helpers/factories'

/**
 * One machine, no gateway: the owner connects the simulated phone and
 * plays a customer; the message goes through the real ingest.
 */
test.group('WhatsApp simulator in the browser', () => {
  test('simulate the scan, then write as a customer', async ({ browserContext, visit, assert }) => {
    const { user, business } = await createOwnerWithBusiness('Tienda Simulada')
    await browserContext.loginAs(user)

    const page = await visit('/whatsapp')
    await page.assertTextContains('body', 'Modo simulador')
    await page.getByRole('button', { name: 'Crear instancia' }).click()
    await page.locator('[data-testid=wa-qr]').waitFor()
    await page.getByRole('button', { name: 'Simular escaneo' }).click()
    await page.assertTextContains('[data-testid=wa-connected]', 'Conectado como Tienda Simulada')

    await page.getByRole('link', { name: 'Abrir el simulador' }).click()
    await page.waitForURL('**/whatsapp/simulator')
    await page.assertTextContains('[data-testid=sim-messages]', 'Aún no hay mensajes')

    await page.locator('[data-testid=sim-text]').fill('Hola, ¿tienen tenis rojos?')
    await page.keyboard.press('Enter')
    await page.assertTextContains('[data-testid=sim-messages]', 'Hola, ¿tienen tenis rojos?')

    const messages = await Message.query().where('business_id', business.id)
    assert.lengthOf(messages, 1)
    assert.containSubset(messages[0].serialize(), {
      direction: 'inbound',
      author: 'customer',
      body: 'Hola, ¿tienen tenis rojos?',
    })
  })
})
