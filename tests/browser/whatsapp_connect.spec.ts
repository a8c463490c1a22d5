import { test } from '@japa/runner'
import WhatsappInstance from '#models/whatsapp_instance'
import { createOwnerWithBusiness } from '#tests/helpers/factories'
import { fakeEvolutionFor } from '#tests/helpers/whatsapp'

/**
 * "Conectar WhatsApp" against the fake Evolution gateway: the QR appears,
 * is replaced live when the gateway sends a new one, "Conectado" shows
 * when the phone is paired, "Reconectando…" while a dropped connection
 * comes back — all without reloading the page.
 */
test.group('Connect WhatsApp in the browser', (group) => {
  const fake = fakeEvolutionFor(group)

  test('create → QR → new QR live → connected live', async ({ browserContext, visit, assert }) => {
    const { user, business } = await createOwnerWithBusiness('Zapatería Rosa')
    await browserContext.loginAs(user)

    const page = await visit('/whatsapp')
    await page.assertTextContains('[data-testid=wa-status]', 'Sin conectar')
    await page.getByRole('button', { name: 'Crear instancia' }).click()

    const qr = page.locator('[data-testid=wa-qr]')
    await qr.waitFor()
    const firstQr = await qr.getAttribute('src')
    assert.match(firstQr!, /^data:image\/png;base64,/)
    await page.assertTextContains('[data-testid=wa-status]', 'Esperando escaneo')

    const instance = await WhatsappInstance.findByOrFail('business_id', business.id)
    // Let the page's live subscription settle before the gateway speaks.
    await page.waitForTimeout(300)
    await fake.deliver(instance.instanceName, 'qrcode.updated', {
      qrcode: {
        instance: instance.instanceName,
        pairingCode: null,
        code: '2@new',
        base64: 'data:image/png;base64,TkVXUVI=',
      },
    })
    await page.locator('[data-testid=wa-qr][src="data:image/png;base64,TkVXUVI="]').waitFor()

    await fake.deliver(instance.instanceName, 'connection.update', {
      instance: instance.instanceName,
      wuid: '5215599990000@s.whatsapp.net',
      profileName: 'Zapatería Rosa',
      state: 'open',
      statusReason: 200,
    })
    await page.assertTextContains('[data-testid=wa-connected]', 'Conectado como Zapatería Rosa')
    await page.assertTextContains('[data-testid=wa-status]', 'Conectado')

    // The connection drops and comes back by itself.
    await fake.deliver(instance.instanceName, 'connection.update', {
      instance: instance.instanceName,
      state: 'connecting',
      statusReason: 200,
    })
    await page.assertTextContains('[data-testid=wa-status]', 'Reconectando…')
    await page.locator('[data-testid=wa-reconnecting]').waitFor()
    await fake.deliver(instance.instanceName, 'connection.update', {
      instance: instance.instanceName,
      wuid: '5215599990000@s.whatsapp.net',
      state: 'open',
      statusReason: 200,
    })
    await page.assertTextContains('[data-testid=wa-status]', 'Conectado')
    await page.locator('[data-testid=wa-reconnecting]').waitFor({ state: 'detached' })
  })
})
