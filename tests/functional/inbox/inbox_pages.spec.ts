import { test } from '@japa/runner'
import type { ApiRequest } from '@japa/api-client'
import type User from '#models/user'
import testUtils from '@adonisjs/core/services/test_utils'
import drive from '@adonisjs/drive/services/main'
import Contact from '#models/contact'
import Conversation from '#models/conversation'
import Message from '#models/message'
import { connectedBusiness, fakeEvolutionFor } from '#tests/helpers/whatsapp'
import { createOwnerWithBusiness } from '#tests/helpers/factories'
import { createConversation, createLongConversation } from '#tests/helpers/inbox'
import { inertiaVisit } from '#tests/helpers/inertia'
import { images } from '#tests/helpers/catalog'
import { readyForAgent } from '#tests/helpers/agent'

/**
 * The inbox page through its HTTP contract: the Inertia page and the JSON
 * routes it calls with the session (CSRF token included).
 */
test.group('Inbox page and its JSON routes', (group) => {
  const fake = fakeEvolutionFor(group)
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  const json = (request: ApiRequest, user: User) =>
    request.loginAs(user).withCsrfToken().header('accept', 'application/json')

  test('an empty inbox says so, with the WhatsApp connection state', async ({ client, assert }) => {
    const { user, business } = await createOwnerWithBusiness()

    const page = await inertiaVisit(client, '/inbox', { user })
    page.assertStatus(200)
    assert.equal(page.body().component, 'inbox/index')
    assert.deepEqual(page.body().props.business, {
      id: business.id,
      name: business.name,
      botEnabled: true,
      hasOpenaiKey: false,
      botStatus: { state: 'off', reason: 'no_api_key' },
      botBlockedReason: null,
      whatsappConnected: false,
      takeoverMinutes: 120,
      canManage: true,
    })
    assert.deepEqual(page.body().props.whatsapp, {
      status: null,
      connected: false,
      driver: 'evolution',
    })
    assert.deepEqual(page.body().props.conversations, { data: [], meta: { nextCursor: null } })
    assert.deepEqual(page.body().props.summary, {
      unreadConversations: 0,
      unreadMessages: 0,
      needsHuman: 0,
    })
    assert.isNull(page.body().props.selected)
    assert.deepEqual(page.body().props.filters, { filter: 'all', q: '' })
  })

  test('a hand-edited address with an unknown view opens the plain inbox', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    await createConversation(business, { pushName: 'Lupita' })

    const page = await inertiaVisit(client, `/inbox?filter=spam&q=${'x'.repeat(150)}`, { user })
    page.assertStatus(200)
    assert.deepEqual(page.body().props.filters, { filter: 'all', q: '' })
    assert.lengthOf(page.body().props.conversations.data, 1)

    const notAnId = await inertiaVisit(client, '/inbox/not-a-conversation', { user })
    notAnId.assertStatus(404)
  })

  test('a conversation opens with its contact panel and latest history', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    const { conversation, contact } = await createLongConversation(business, 60)
    contact.notes = 'Prefiere entregas por la tarde'
    await contact.save()
    await createConversation(business)

    const page = await inertiaVisit(client, `/inbox/${conversation.id}?filter=unread`, { user })
    page.assertStatus(200)
    const { selected, filters, conversations } = page.body().props
    assert.deepEqual(filters, { filter: 'unread', q: '' })
    assert.lengthOf(conversations.data, 0)
    assert.equal(selected.conversation.id, conversation.id)
    assert.deepEqual(selected.contact, {
      id: contact.id,
      name: null,
      pushName: contact.pushName,
      phone: contact.phone,
      displayName: contact.pushName,
      firstSeenAt: contact.firstSeenAt.toISO(),
      notes: 'Prefiere entregas por la tarde',
      conversationCount: 1,
    })
    assert.lengthOf(selected.messages.data, 50)
    assert.equal(selected.messages.data[49].body, 'Mensaje 60')
    assert.isString(selected.messages.meta.nextCursor)

    const older = await json(
      client.get(`/inbox/conversations/${conversation.id}/messages`),
      user
    ).qs({ before: selected.messages.meta.nextCursor })
    older.assertStatus(200)
    assert.deepEqual(
      older.body().data.map((message: { body: string }) => message.body),
      Array.from({ length: 10 }, (_, index) => `Mensaje ${index + 1}`)
    )
    assert.isNull(older.body().meta.nextCursor)
  })

  test('choosing another conversation reloads only what changes', async ({ client, assert }) => {
    const { user, business } = await createOwnerWithBusiness()
    const { conversation } = await createConversation(business, { messages: [{ body: 'Hola' }] })

    const visit = (version?: string) => {
      const request = client
        .get(`/inbox/${conversation.id}`)
        .loginAs(user)
        .header('x-inertia', 'true')
        .header('x-inertia-partial-component', 'inbox/index')
        .header('x-inertia-partial-data', 'selected')
      return version ? request.header('x-inertia-version', version) : request
    }
    let partial = await visit()
    if (partial.status() === 409) {
      partial = await visit(partial.header('x-inertia-version'))
    }
    partial.assertStatus(200)
    const props = partial.body().props
    assert.notProperty(props, 'conversations')
    assert.notProperty(props, 'summary')
    assert.equal(props.selected.conversation.id, conversation.id)
    assert.deepEqual(
      props.selected.messages.data.map((message: { body: string }) => message.body),
      ['Hola']
    )
  })

  test('the list, a row, the totals and bad input over the session', async ({ client, assert }) => {
    const { user, business } = await createOwnerWithBusiness()
    const { conversation } = await createConversation(business, {
      pushName: 'Lupita',
      unreadCount: 2,
      messages: [{ body: '¿Tienen tenis talla 25?' }],
    })
    await createConversation(business, { pushName: 'Otro' })

    const searched = await json(client.get('/inbox/conversations'), user).qs({
      q: 'TENIS',
      filter: 'unread',
    })
    searched.assertStatus(200)
    assert.deepEqual(
      searched
        .body()
        .data.map((row: { contact: { displayName: string } }) => row.contact.displayName),
      ['Lupita']
    )

    const row = await json(client.get(`/inbox/conversations/${conversation.id}`), user)
    assert.equal(row.body().unreadCount, 2)

    const summary = await json(client.get('/inbox/summary'), user)
    assert.deepEqual(summary.body(), { unreadConversations: 1, unreadMessages: 2, needsHuman: 0 })

    const read = await json(client.post(`/inbox/conversations/${conversation.id}/read`), user)
    read.assertStatus(200)
    assert.equal(read.body().unreadCount, 0)
    const after = await json(client.get('/inbox/summary'), user)
    assert.equal(after.body().unreadConversations, 0)

    const bad = await json(client.get('/inbox/conversations'), user).qs({ cursor: 'x!' })
    bad.assertStatus(422)
    assert.equal(
      bad.body().errors[0].message,
      'El cursor de paginación no es válido: usa el valor de meta.nextCursor tal como llegó.'
    )
    const missing = await json(
      client.get('/inbox/conversations/00000000-0000-4000-8000-000000000000'),
      user
    )
    missing.assertStatus(404)
  })

  test('a photo reply is stored, sent through the gateway, and shown from storage', async ({
    client,
    assert,
  }) => {
    const { user, business } = await connectedBusiness(client, fake)
    const { conversation } = await createConversation(business, { phone: '5215511112222' })

    const response = await json(
      client.post(`/inbox/conversations/${conversation.id}/messages`),
      user
    )
      .field('text', 'Así queda en rojo')
      .file('image', images.png, { filename: 'rojo.png', contentType: 'image/png' })
    response.assertStatus(201)
    assert.containSubset(response.body(), {
      type: 'image',
      body: 'Así queda en rojo',
      mediaMime: 'image/png',
      mediaName: 'rojo.png',
      status: 'sent',
    })

    const [sent] = fake.sent('/message/sendMedia')
    assert.containSubset(sent.body, {
      number: '5215511112222@s.whatsapp.net',
      mediatype: 'image',
      caption: 'Así queda en rojo',
    })
    assert.match(
      sent.body.media,
      /^http:\/\/127\.0\.0\.1:\d+\/uploads\/businesses\/.+\.png\?signature=/
    )

    const message = await Message.findOrFail(response.body().id)
    assert.match(message.mediaKey!, new RegExp(`^businesses/${business.id}/messages/.+\\.png$`))
    assert.isTrue(await drive.use('fs').exists(message.mediaKey!))

    const history = await json(client.get(`/inbox/conversations/${conversation.id}/messages`), user)
    assert.isTrue(history.body().data[0].hasMedia)

    const media = await client
      .get(`/inbox/conversations/${conversation.id}/messages/${message.id}/media`)
      .loginAs(user)
      .redirects(0)
    media.assertStatus(302)
    assert.match(media.header('location') ?? '', /^\/uploads\/businesses\/.+\.png\?signature=/)
  })

  test('a file that is not a photo is refused before anything is sent', async ({
    client,
    assert,
  }) => {
    const { user, business } = await connectedBusiness(client, fake)
    const { conversation } = await createConversation(business)
    fake.reset()

    const fake1 = await json(
      client.post(`/inbox/conversations/${conversation.id}/messages`),
      user
    ).file('image', images.fakeJpeg, { filename: 'foto.jpg', contentType: 'image/jpeg' })
    fake1.assertStatus(422)
    const wrongType = await json(
      client.post(`/inbox/conversations/${conversation.id}/messages`),
      user
    ).file('image', Buffer.from('%PDF-1.4'), {
      filename: 'doc.pdf',
      contentType: 'application/pdf',
    })
    wrongType.assertStatus(422)
    assert.equal(wrongType.body().errors[0].message, 'Elige una foto JPG, PNG o WebP.')
    const empty = await json(
      client.post(`/inbox/conversations/${conversation.id}/messages`),
      user
    ).json({
      text: '  ',
    })
    empty.assertStatus(422)
    assert.equal(empty.body().errors[0].message, 'Escribe un mensaje o adjunta una foto.')

    assert.lengthOf(fake.requests, 0)
    assert.lengthOf(await Message.query().where('conversation_id', conversation.id), 0)
  })

  test('a failed reply can be retried, once', async ({ client, assert }) => {
    const { user, business } = await connectedBusiness(client, fake)
    const { conversation } = await createConversation(business, { phone: '5215533334444' })
    fake.notOnWhatsapp.add('5215533334444')

    const failed = await json(
      client.post(`/inbox/conversations/${conversation.id}/messages`),
      user
    ).json({
      text: 'Le confirmo su pedido',
    })
    failed.assertStatus(201)
    assert.containSubset(failed.body(), { status: 'failed', error: 'not_on_whatsapp' })

    fake.notOnWhatsapp.delete('5215533334444')
    fake.requests = []
    const retried = await json(
      client.post(`/inbox/conversations/${conversation.id}/messages/${failed.body().id}/retry`),
      user
    )
    retried.assertStatus(200)
    assert.containSubset(retried.body(), { id: failed.body().id, status: 'sent', error: null })
    assert.lengthOf(fake.sent('/message/sendText'), 1)
    assert.equal(fake.sent('/message/sendText')[0].body.text, 'Le confirmo su pedido')

    const again = await json(
      client.post(`/inbox/conversations/${conversation.id}/messages/${failed.body().id}/retry`),
      user
    )
    again.assertStatus(409)
    assert.equal(again.body().message, 'Este mensaje ya no se puede reintentar.')
    assert.lengthOf(fake.sent('/message/sendText'), 1)
    assert.lengthOf(await Message.query().where('conversation_id', conversation.id), 1)
  })

  test('the contact panel saves a name and notes', async ({ client, assert }) => {
    const { user, business } = await createOwnerWithBusiness()
    const { contact, conversation } = await createConversation(business, { pushName: 'Lupe' })

    const saved = await json(client.put(`/inbox/contacts/${contact.id}`), user).json({
      name: '  Guadalupe Ruiz ',
      notes: 'Cliente frecuente. Paga con transferencia.',
    })
    saved.assertStatus(200)
    assert.containSubset(saved.body(), {
      id: contact.id,
      name: 'Guadalupe Ruiz',
      pushName: 'Lupe',
      displayName: 'Guadalupe Ruiz',
      notes: 'Cliente frecuente. Paga con transferencia.',
      conversationCount: 1,
    })
    const row = await json(client.get(`/inbox/conversations/${conversation.id}`), user)
    assert.equal(row.body().contact.displayName, 'Guadalupe Ruiz')

    const cleared = await json(client.put(`/inbox/contacts/${contact.id}`), user).json({ name: '' })
    assert.equal(cleared.body().displayName, 'Lupe')
    assert.equal(cleared.body().notes, 'Cliente frecuente. Paga con transferencia.')

    const tooLong = await json(client.put(`/inbox/contacts/${contact.id}`), user).json({
      notes: 'x'.repeat(5001),
    })
    tooLong.assertStatus(422)
    assert.equal(tooLong.body().errors[0].message, 'Las notas pueden tener hasta 5000 caracteres.')
    const stored = await Contact.findOrFail(contact.id)
    assert.equal(stored.notes, 'Cliente frecuente. Paga con transferencia.')
  })

  test('hand back and resolve from the page', async ({ client, assert }) => {
    const { user, business } = await connectedBusiness(client, fake)
    await readyForAgent(business)
    const { conversation } = await createConversation(business, {
      needsHuman: true,
      handoffReason: 'Queja',
    })

    const updated = await json(client.put(`/inbox/conversations/${conversation.id}`), user).json({
      botEnabled: true,
      status: 'resolved',
    })
    updated.assertStatus(200)
    assert.containSubset(updated.body(), {
      status: 'resolved',
      needsHuman: false,
      bot: { state: 'on' },
    })
    const stored = await Conversation.findOrFail(conversation.id)
    assert.equal(stored.status, 'resolved')
    assert.isFalse(stored.needsHuman)
  })
})
