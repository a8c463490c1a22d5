import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import Conversation from '#models/conversation'
import Message from '#models/message'
import app from '@adonisjs/core/services/app'
import DeliverQueuedMessages from '#actions/whatsapp/deliver_queued_messages'
import { FakeEvolution } from '#tests/helpers/fake_evolution'
import { connectedBusiness, fakeEvolutionFor } from '#tests/helpers/whatsapp'
import { createConversation } from '#tests/helpers/inbox'
import { images } from '#tests/helpers/catalog'
import { readyForAgent } from '#tests/helpers/agent'
import { deleted, edited, shapes, upsert } from '#tests/fixtures/evolution_deliveries'

/**
 * Waits for something the server or the fake gateway does in the
 * background, or fails after `ms`.
 */
async function eventually<T>(
  check: () => Promise<T | null | undefined> | T | null | undefined,
  ms = 5000
) {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) throw new Error('timed out waiting')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/**
 * The inbox in Chromium, against the fake Evolution gateway: what an owner
 * sees live while customers write, and what their clicks do.
 */
test.group('Inbox in the browser', (group) => {
  const fake = fakeEvolutionFor(group)

  test('a customer writes, the owner replies, the bot pauses, and is handed back', async ({
    client,
    browserContext,
    visit,
    assert,
  }) => {
    const { user, business, instance } = await connectedBusiness(client, fake, 'Zapatería en Vivo')
    await readyForAgent(business)
    await browserContext.loginAs(user)

    const page = await visit('/inbox')
    await page.assertTextContains('[data-testid=inbox-empty]', 'Aún no tienes conversaciones')
    await page.locator('[data-testid=inbox][data-live=true]').waitFor()

    const delivered = await fake.deliver(
      instance.instanceName,
      'messages.upsert',
      FakeEvolution.textMessage({
        id: 'LIVE-0001',
        from: '5215512345678@s.whatsapp.net',
        text: '¿Tienen tenis rojos en talla 26?',
        pushName: 'Giovanna',
      })
    )
    assert.equal(delivered.status, 200)

    const row = page.locator('[data-testid=conversation-item]', { hasText: 'Giovanna' })
    await row.waitFor()
    await page.assertTextContains(
      '[data-testid=conversation-list]',
      '¿Tienen tenis rojos en talla 26?'
    )
    await page.assertTextContains('[data-testid=unread-count]', '1')
    const titled = (prefix: string) => async () => {
      const title = await page.title()
      return title.startsWith(prefix)
    }
    await eventually(titled('(1) Bandeja de entrada'))

    await row.click()
    const conversation = await Conversation.findByOrFail('business_id', business.id)
    await page.waitForURL(`**/inbox/${conversation.id}`)
    await page.assertTextContains('[data-testid=thread]', '¿Tienen tenis rojos en talla 26?')
    const header = page.locator('[data-testid=conversation-view] header [data-testid=bot-state]')
    await page.assertTextContains(header, 'Bot activo')
    // Opened: read, in the list, the tab title and the database.
    await page.locator('[data-testid=unread-count]').waitFor({ state: 'detached' })
    await eventually(titled('Bandeja de entrada'))
    await eventually(async () => {
      const stored = await Conversation.findOrFail(conversation.id)
      return stored.unreadCount === 0
    })

    await page.locator('[data-testid=composer-text]').fill('¡Sí! Te los aparto hoy.')
    await page.keyboard.press('Enter')
    await page
      .locator('[data-testid=message][data-direction=outbound]', {
        hasText: '¡Sí! Te los aparto hoy.',
      })
      .waitFor()
    const sent = await eventually(() => fake.sent('/message/sendText')[0])
    assert.containSubset(sent.body, {
      number: '5215512345678@s.whatsapp.net',
      text: '¡Sí! Te los aparto hoy.',
    })
    await page.locator('[data-testid=message][data-direction=outbound][data-status=sent]').waitFor()
    await page.assertTextContains(header, 'Bot en pausa hasta las')
    await page.assertTextContains(
      '[data-testid=conversation-item]',
      'Enviado: ¡Sí! Te los aparto hoy.'
    )

    // The customer answers while the conversation is open: it appears, already read.
    await fake.deliver(
      instance.instanceName,
      'messages.upsert',
      FakeEvolution.textMessage({
        id: 'LIVE-0002',
        from: '5215512345678@s.whatsapp.net',
        text: 'Perfecto, paso en la tarde',
        pushName: 'Giovanna',
      })
    )
    await page.assertTextContains('[data-testid=thread]', 'Perfecto, paso en la tarde')

    await page.getByRole('button', { name: 'Devolver al bot' }).click()
    await page.assertTextContains(header, 'Bot activo')
    const handedBack = await Conversation.findOrFail(conversation.id)
    assert.isNull(handedBack.botPausedUntil)
    assert.isTrue(handedBack.botEnabled)

    await page.getByRole('button', { name: 'Resolver' }).click()
    await page.getByRole('button', { name: 'Reabrir' }).waitFor()
    await page.assertTextContains('[data-testid=conversation-item]', 'Resuelta')
  })

  test('edits, deletes for everyone, reactions and quotes show live, without a reload', async ({
    client,
    browserContext,
    visit,
    assert,
  }) => {
    const { user, business, instance } = await connectedBusiness(client, fake, 'Tienda Viva')
    await browserContext.loginAs(user)
    const deliver = async (event: string, data: unknown) => {
      const answer = await fake.deliver(instance.instanceName, event, data)
      assert.equal(answer.status, 200)
    }
    await deliver('messages.upsert', upsert('AM-1', { conversation: 'Quiero 2 pares' }))
    await deliver(
      'messages.upsert',
      upsert('AM-2', { conversation: 'Mi tarjeta es 4111 1111 1111 1111' })
    )
    const conversation = await Conversation.findByOrFail('business_id', business.id)

    const page = await visit(`/inbox/${conversation.id}`)
    await page.locator('[data-testid=inbox][data-live=true]').waitFor()
    const bubble = (id: string) => page.locator(`[data-testid=message][data-gateway-id="${id}"]`)
    await bubble('AM-2').waitFor()

    await deliver('messages.edited', edited('AM-1', 'Quiero 3 pares'))
    await bubble('AM-1').locator('[data-testid=message-edited]').waitFor()
    await page.assertTextContains(
      bubble('AM-1').locator('[data-testid=message-body]'),
      'Quiero 3 pares'
    )

    await deliver('messages.delete', deleted('AM-2'))
    await bubble('AM-2').locator('[data-testid=message-deleted]').waitFor()
    await page.assertTextContains(bubble('AM-2'), 'Mensaje eliminado')
    assert.equal(await page.getByText('4111').count(), 0, 'nothing of it is readable')
    await page.assertTextContains('[data-testid=conversation-list]', 'Mensaje eliminado')

    await deliver('messages.upsert', shapes.reaction('AM-R1', 'AM-1', '❤️'))
    await page.assertTextContains(bubble('AM-1').locator('[data-testid=message-reactions]'), '❤️')
    await deliver('messages.upsert', shapes.reaction('AM-R2', 'AM-1', '👍'))
    await page.assertTextContains(bubble('AM-1').locator('[data-testid=message-reactions]'), '👍')
    assert.equal(await bubble('AM-1').getByText('❤️').count(), 0, 'the new reaction replaced it')

    await deliver(
      'messages.upsert',
      shapes.reply('AM-3', '¿Los tienen en talla 27?', { id: 'AM-1', text: 'Quiero 3 pares' })
    )
    const quote = bubble('AM-3').locator('[data-testid=message-quote]')
    await page.assertTextContains(quote, 'Quiero 3 pares')
    await quote.click()
    await deliver('messages.upsert', shapes.contactCard('AM-4'))
    await page.assertTextContains(bubble('AM-4'), '+52 1 55 8765 4321')
    assert.equal(await page.locator('[data-testid=message]').count(), 4, 'a reaction is no message')

    await page.setViewportSize({ width: 1280, height: 800 })
    await page.screenshot({ path: 'tmp/screenshots/inbox-amendments-laptop.png' })
    await page.setViewportSize({ width: 390, height: 844 })
    await page.reload()
    await bubble('AM-4').waitFor()
    await page.screenshot({ path: 'tmp/screenshots/inbox-amendments-phone.png' })
  })

  test('a reply written while WhatsApp is down shows as queued, then as sent once it goes out', async ({
    client,
    browserContext,
    visit,
  }) => {
    const { user, business } = await connectedBusiness(client, fake, 'Zapatería Sin Señal')
    const { conversation } = await createConversation(business, {
      pushName: 'Mariana',
      messages: [{ body: '¿Ya salió mi pedido?' }],
    })
    await browserContext.loginAs(user)
    const page = await visit(`/inbox/${conversation.id}`)
    await page.locator('[data-testid=inbox][data-live=true]').waitFor()

    await fake.down()
    await page.locator('[data-testid=composer-text]').fill('Sale hoy en la tarde.')
    await page.keyboard.press('Enter')
    const bubble = page.locator('[data-testid=message][data-direction=outbound]', {
      hasText: 'Sale hoy en la tarde.',
    })
    await bubble.and(page.locator('[data-status=queued]')).waitFor()
    await page.assertTextContains(
      bubble.locator('[data-testid=message-queued]'),
      'WhatsApp no responde: se enviará en cuanto vuelva.'
    )

    await fake.start()
    const deliver = await app.container.make(DeliverQueuedMessages)
    await deliver.handle(conversation.id, { lastAttempt: false })
    await bubble.and(page.locator('[data-status=sent]')).waitFor()
    await bubble.locator('[data-testid=message-queued]').waitFor({ state: 'detached' })
  })

  test('customer text with HTML or a script is shown as text, never run', async ({
    client,
    browserContext,
    visit,
    assert,
  }) => {
    const { user, instance } = await connectedBusiness(client, fake, 'Tienda Segura')
    await browserContext.loginAs(user)
    const attack = '<img src=x onerror=alert(1)><script>alert(2)</script>'

    const page = await visit('/inbox')
    const dialogs: string[] = []
    page.on('dialog', async (dialog) => {
      dialogs.push(dialog.message())
      await dialog.dismiss()
    })
    await page.locator('[data-testid=inbox][data-live=true]').waitFor()
    const delivered = await fake.deliver(
      instance.instanceName,
      'messages.upsert',
      FakeEvolution.textMessage({
        id: 'XSS-0001',
        from: '5215500001111@s.whatsapp.net',
        text: attack,
        pushName: '<b>Hacker</b>',
      })
    )
    assert.equal(delivered.status, 200, JSON.stringify(delivered.body))

    const row = page.locator('[data-testid=conversation-item]').first()
    await row.waitFor()
    assert.equal(await row.locator('[data-testid=conversation-name]').innerText(), '<b>Hacker</b>')
    await row.click()
    const body = page.locator('[data-testid=message-body]').first()
    await body.waitFor()
    assert.equal(await body.innerText(), attack)
    assert.equal(await page.locator('img[src="x"]').count(), 0)
    assert.equal(await page.locator('[data-testid=thread] script').count(), 0)
    assert.equal(await page.locator('b', { hasText: 'Hacker' }).count(), 0)
    await page.waitForTimeout(200)
    assert.deepEqual(dialogs, [])
  })

  test('a photo reply shows in the thread and opens large; Esc closes it', async ({
    client,
    browserContext,
    visit,
    assert,
  }) => {
    const { user, business } = await connectedBusiness(client, fake, 'Tienda Foto')
    const { conversation } = await createConversation(business, {
      pushName: 'Renata',
      phone: '5215577778888',
      messages: [{ body: '¿Me enseñas cómo se ve?' }],
    })
    await browserContext.loginAs(user)

    const page = await visit(`/inbox/${conversation.id}`)
    await page.locator('[data-testid=composer-file]').setInputFiles({
      name: 'bolsa.png',
      mimeType: 'image/png',
      buffer: images.png,
    })
    await page.locator('[data-testid=composer-text]').fill('Así se ve la bolsa')
    await page.locator('[data-testid=composer-send]').click()

    const bubble = page.locator('[data-testid=message][data-direction=outbound]', {
      hasText: 'Así se ve la bolsa',
    })
    await bubble.locator('img').waitFor()
    const media = await eventually(() => fake.sent('/message/sendMedia')[0])
    assert.equal(media.body.caption, 'Así se ve la bolsa')
    await eventually(() =>
      bubble
        .locator('img')
        .evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0)
    )

    await bubble.getByRole('button', { name: 'Ampliar foto' }).click()
    const viewer = page.locator('[data-testid=image-viewer]')
    await viewer.waitFor()
    await page.keyboard.press('Escape')
    await viewer.waitFor({ state: 'detached' })

    const stored = await Message.query()
      .where('conversation_id', conversation.id)
      .where('type', 'image')
      .firstOrFail()
    assert.isNotNull(stored.mediaKey)
  })

  test('a long history loads earlier messages when scrolled up; arrows move through the list', async ({
    client,
    browserContext,
    visit,
    assert,
  }) => {
    const { user, business } = await connectedBusiness(client, fake, 'Tienda Historial')
    const start = DateTime.now().minus({ days: 3 })
    const { conversation } = await createConversation(business, {
      pushName: 'Cliente Frecuente',
      messages: Array.from({ length: 120 }, (_, index) => ({
        body: `Mensaje número ${index + 1}`,
        direction: index % 2 === 0 ? ('inbound' as const) : ('outbound' as const),
        sentAt: start.plus({ minutes: index * 30 }),
      })),
    })
    await createConversation(business, { pushName: 'Otra Clienta', messages: [{ body: 'Hola' }] })
    await browserContext.loginAs(user)

    const page = await visit(`/inbox/${conversation.id}`)
    const thread = page.locator('[data-testid=thread]')
    await page.assertTextContains(thread, 'Mensaje número 120')
    const first = page.locator('[data-testid=message-body]', { hasText: /^Mensaje número 1$/ })
    assert.equal(await first.count(), 0)

    // Scrolled to the top, earlier messages load and the reader stays on
    // the same message; up again for more, until the beginning.
    const firstShown = page.locator('[data-testid=message-body]').first()
    const before = await firstShown.innerText()
    await thread.evaluate((element) => element.scrollTo({ top: 0 }))
    await page.locator('[data-testid=message]').nth(99).waitFor()
    assert.isAbove(await thread.evaluate((element) => element.scrollTop), 1000)
    assert.isTrue(await page.locator('[data-testid=message-body]', { hasText: before }).isVisible())

    for (let attempt = 0; attempt < 10; attempt++) {
      await thread.evaluate((element) => element.scrollTo({ top: 0 }))
      if (await page.getByText('Inicio de la conversación').count()) break
      await page.waitForTimeout(300)
    }
    await page.getByText('Inicio de la conversación').waitFor()
    await first.waitFor()
    assert.equal(await page.locator('[data-testid=message]').count(), 120)
    assert.isAbove(await page.locator('[data-testid=day-separator]').count(), 1)

    // The list: "Otra Clienta" (newest) first, then this one.
    await page.locator(`[data-conversation-id="${conversation.id}"]`).focus()
    await page.keyboard.press('ArrowUp')
    await page.assertTextContains('[data-testid=conversation-title]', 'Otra Clienta')
    await page.keyboard.press('ArrowDown')
    await page.assertTextContains('[data-testid=conversation-title]', 'Cliente Frecuente')
  })
})
