import { test } from '@japa/runner'
import { createOwnerWithBusiness } from '#tests/helpers/factories'

/**
 * The bot's behaviour is set where the rest of the AI is (Ajustes → IA),
 * with errors that name the field as the owner reads it.
 */
test.group('Bot behaviour in the AI settings', () => {
  test('reply delay, takeover pause and budget: named errors, then saved; the usage page links here', async ({
    browserContext,
    visit,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness('Tienda Ajustes')
    await browserContext.loginAs(user)

    const page = await visit('/settings/ai')
    const behaviour = page.locator('#bot-behaviour')
    await behaviour.getByLabel('Espera antes de responder (segundos)').fill('90')
    await behaviour.getByRole('button', { name: 'Guardar' }).click()
    await page.assertTextContains('#replyDelaySeconds-error', 'espera antes de responder')
    assert.notInclude(await behaviour.innerText(), 'replyDelaySeconds')

    await behaviour.getByLabel('Espera antes de responder (segundos)').fill('5')
    await behaviour.getByRole('button', { name: 'Guardar' }).click()
    await page.waitForTimeout(500)
    await business.refresh()
    assert.equal(business.replyDelaySeconds, 5)

    const usage = await visit('/agent/usage')
    await usage.getByRole('link', { name: 'Cambiar el presupuesto' }).click()
    await usage.waitForURL('**/settings/ai#bot-behaviour')
  })
})
