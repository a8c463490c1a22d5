import { test } from '@japa/runner'
import type { Page } from 'playwright'
import AgentPrompt from '#models/agent_prompt'
import Policy from '#models/policy'
import { createOwnerWithBusiness } from '#tests/helpers/factories'
import type User from '#models/user'

async function signIn(page: Page, user: User) {
  await page.getByLabel('Correo electrónico').fill(user.email)
  await page.getByLabel('Contraseña').fill('secreta123')
  await page.getByRole('button', { name: 'Entrar' }).click()
  await page.waitForURL('**/dashboard')
}

/**
 * The owner's knowledge pages in a real browser: the prompt with its
 * versions, and the policies page on a phone.
 */
test.group('Knowledge in the browser', () => {
  test('edit the prompt, save version 2, restore version 1 as version 3', async ({
    visit,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness('Zapatería Rosa')
    const original = await AgentPrompt.findByOrFail('business_id', business.id)

    const page = await visit('/login')
    await signIn(page, user)
    await page.goto('/knowledge/prompt')
    await page.assertTextContains('h1', 'Prompt del asistente')
    await page.assertTextContains('[data-testid=prompt-status]', 'Guardado · versión 1')

    const editor = page.getByLabel('Instrucciones')
    await editor.fill('Eres el asistente de Zapatería Rosa.\nResponde breve y con calidez.')
    await page.assertTextContains('[data-testid=prompt-status]', 'Cambios sin guardar')
    await page.assertTextContains('[data-testid=prompt-count]', '66 / 20,000 caracteres')
    await page.getByRole('button', { name: 'Guardar prompt' }).click()

    await page.assertTextContains('[data-testid=flash]', 'Prompt guardado como versión 2.')
    await page.assertTextContains('[data-version="2"]', 'Actual')
    await page.assertTextContains('[data-testid=prompt-status]', 'Guardado · versión 2')

    await page.getByRole('button', { name: 'Restaurar la versión 1' }).click()
    const confirm = page.getByRole('dialog', { name: '¿Restaurar la versión 1?' })
    await confirm.getByRole('button', { name: 'Sí, restaurar' }).click()

    await page.assertTextContains('[data-testid=flash]', 'Se restauró la versión 1 como versión 3.')
    await page.assertTextContains('[data-version="3"]', 'Actual')
    await page.assertTextContains('[data-version="3"]', 'Restaurada de la versión 1')
    assert.equal(await editor.inputValue(), original.content)

    const versions = await AgentPrompt.query().where('business_id', business.id).orderBy('version')
    assert.deepEqual(
      versions.map((version) => version.version),
      [1, 2, 3]
    )
    assert.equal(versions[2].content, original.content)
    assert.equal(versions[2].authorId, user.id)

    /**
     * Unsaved changes: leaving asks first, and staying keeps the text.
     */
    await editor.fill('Un borrador que todavía no se guarda en ninguna versión.')
    let asked = ''
    page.once('dialog', (dialog) => {
      asked = dialog.message()
      void dialog.dismiss()
    })
    await page.getByRole('link', { name: 'Editar políticas' }).click()
    assert.equal(asked, 'Tienes cambios sin guardar en el prompt. ¿Salir sin guardar?')
    await page.assertTextContains('h1', 'Prompt del asistente')
    assert.equal(
      await editor.inputValue(),
      'Un borrador que todavía no se guarda en ninguna versión.'
    )
  })

  test('set opening hours with a lunch break on a phone and read them back', async ({
    visit,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness('Zapatería Rosa')
    const page = await visit('/login')
    await page.setViewportSize({ width: 390, height: 844 })
    await signIn(page, user)
    await page.goto('/knowledge/policies')

    await page.getByRole('button', { name: 'Indicar horario' }).click()
    const monday = page.locator('[data-day=monday]')
    await monday.getByRole('group', { name: 'Lunes, horario 1' }).getByLabel('Cierra').fill('14:00')
    await monday.getByRole('button', { name: 'Agregar otro horario' }).click()
    const afternoon = monday.getByRole('group', { name: 'Lunes, horario 2' })
    await afternoon.getByLabel('Abre').fill('16:00')
    await afternoon.getByLabel('Cierra').fill('19:00')
    await monday.getByRole('button', { name: 'Copiar a lunes–viernes' }).click()
    await page.getByRole('switch', { name: 'Sábado: abierto' }).click()

    await page.getByRole('button', { name: 'Guardar cambios' }).click()
    await page.assertTextContains('[data-testid=flash]', 'Políticas guardadas.')
    await page.assertTextContains(
      '[data-testid=hours-summary]',
      'Lunes a viernes de 9:00 a 14:00 y de 16:00 a 19:00; sábado de 9:00 a 18:00; domingo cerrado'
    )

    const policy = await Policy.findByOrFail('business_id', business.id)
    assert.deepEqual(policy.allowedHours!.friday, [
      { open: '09:00', close: '14:00' },
      { open: '16:00', close: '19:00' },
    ])
  })
})
