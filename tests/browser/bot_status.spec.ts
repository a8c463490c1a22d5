import { test } from '@japa/runner'
import Business from '#models/business'
import WhatsappInstance from '#models/whatsapp_instance'
import { createOwnerWithBusiness, tokenFor } from '#tests/helpers/factories'
import { fakeEvolutionFor } from '#tests/helpers/whatsapp'
import { readyForAgent } from '#tests/helpers/agent'

/**
 * The dashboard never says "on" while customers get no reply: it says why
 * and offers the fix, follows the WhatsApp connection live, and asks
 * before the switch turns the bot off for everyone.
 */
test.group('Bot status in the browser', (group) => {
  const fake = fakeEvolutionFor(group)

  test('the reason and its fix, live; the switch asks before turning it off', async ({
    client,
    browserContext,
    visit,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness('Zapatería Honesta')
    await readyForAgent(business)
    const created = await client
      .post('/wa/create')
      .bearerToken(await tokenFor(user))
      .json({ business_id: business.id })
    created.assertStatus(201)
    await browserContext.loginAs(user)

    const page = await visit('/dashboard')
    const state = page.locator('[data-testid=bot-status] [data-testid=bot-state]')
    await page.assertTextContains(state, 'Apagado: WhatsApp no está conectado')
    const fix = page.locator('[data-testid=bot-fix]')
    await page.assertTextContains(fix, 'Conectar WhatsApp')
    assert.equal(await fix.getAttribute('href'), '/whatsapp')

    // The phone is paired while the dashboard is open.
    const instance = await WhatsappInstance.findByOrFail('business_id', business.id)
    await page.waitForTimeout(300)
    await fake.deliver(instance.instanceName, 'connection.update', {
      instance: instance.instanceName,
      wuid: '5215599990000@s.whatsapp.net',
      profileName: 'Zapatería Honesta',
      state: 'open',
      statusReason: 200,
    })
    await page.assertTextContains(state, 'Encendido: responde a tus clientes')
    await fix.waitFor({ state: 'detached' })

    const toggle = page.getByRole('switch', { name: 'Bot del negocio' })
    const dialog = page.getByRole('dialog', { name: '¿Apagar el bot para todos tus clientes?' })
    await toggle.click()
    await dialog.waitFor()
    await dialog.getByRole('button', { name: 'Cancelar' }).click()
    await dialog.waitFor({ state: 'hidden' })
    assert.equal(await toggle.getAttribute('aria-checked'), 'true')
    await page.assertTextContains(state, 'Encendido')

    await toggle.click()
    await dialog.getByRole('button', { name: 'Apagar para todos' }).click()
    await page.assertTextContains(state, 'Apagado para todos')
    assert.equal(await toggle.getAttribute('aria-checked'), 'false')
    await page.locator('[data-testid=bot-toggle] button[aria-busy=false]').waitFor()
    const stored = await Business.findOrFail(business.id)
    assert.isFalse(stored.botEnabled)
  })
})
