import { test } from '@japa/runner'
import { FakeEvolution } from '#tests/helpers/fake_evolution'
import { connectedBusiness, fakeEvolutionFor } from '#tests/helpers/whatsapp'

/**
 * Stored text a stranger chose (a WhatsApp name, a message) reaches the
 * page's data: it must not be able to open or close markup there, or the
 * owner's inbox renders nothing.
 */
test.group('Hostile text in the page shell', (group) => {
  const fake = fakeEvolutionFor(group)

  test('a customer named with markup does not blank the inbox', async ({
    client,
    browserContext,
    visit,
    assert,
  }) => {
    const { user, instance } = await connectedBusiness(client, fake, 'Tienda Blindada')
    const hostileName = 'Cliente <!--<script>'
    const hostileText = '</script><script>window.pwned = 1</script> \u2028 & <b>hola</b>'
    const delivered = await fake.deliver(
      instance.instanceName,
      'messages.upsert',
      FakeEvolution.textMessage({
        id: 'HOSTILE-0001',
        from: '5215512340000@s.whatsapp.net',
        text: hostileText,
        pushName: hostileName,
      })
    )
    assert.equal(delivered.status, 200)
    await browserContext.loginAs(user)

    const errors: string[] = []
    const page = await visit('/inbox')
    page.on('pageerror', (error) => errors.push(error.message))
    await page.assertTextContains('[data-testid=inbox]', hostileName)
    await page.getByText(hostileName).first().click()
    await page.assertTextContains('[data-testid=inbox]', '<b>hola</b>')
    assert.isUndefined(await page.evaluate(() => (globalThis as { pwned?: number }).pwned))
    assert.deepEqual(errors, [])
  })
})
