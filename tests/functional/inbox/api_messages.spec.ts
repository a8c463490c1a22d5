import { test } from '@japa/runner'
import type { ApiResponse } from '@japa/api-client'
import testUtils from '@adonisjs/core/services/test_utils'
import { DateTime } from 'luxon'
import Business from '#models/business'
import Conversation from '#models/conversation'
import Message from '#models/message'
import WhatsappInstance from '#models/whatsapp_instance'
import { connectedBusiness, fakeEvolutionFor } from '#tests/helpers/whatsapp'
import { createOwnerWithBusiness, tokenFor } from '#tests/helpers/factories'
import { createConversation, createLongConversation } from '#tests/helpers/inbox'
import { readyForAgent } from '#tests/helpers/agent'

/**
 * One conversation over the API: its history in keyset pages, a person's
 * reply through the (fake) WhatsApp gateway, reading, and the controls.
 */
test.group('API conversation history, replies and controls', (group) => {
  const fake = fakeEvolutionFor(group)
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('history pages go back in time without repeats or gaps, oldest first in a page', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)
    const { conversation, messages } = await createLongConversation(business, 120)

    const pages: { body: string }[][] = []
    let before: string | null = null
    do {
      const response: ApiResponse = await client
        .get(`/conversations/${conversation.id}/messages`)
        .bearerToken(token)
        .qs(before ? { before } : {})
      response.assertStatus(200)
      pages.push(response.body().data)
      before = response.body().meta.nextCursor
    } while (before)

    assert.deepEqual(
      pages.map((page) => page.length),
      [50, 50, 20]
    )
    assert.equal(pages[0][0].body, 'Mensaje 71')
    assert.equal(pages[0][49].body, 'Mensaje 120')
    assert.equal(pages[2][0].body, 'Mensaje 1')
    const bodies = pages
      .reverse()
      .flat()
      .map((message) => message.body)
    assert.deepEqual(
      bodies,
      messages.map((message) => message.body)
    )
  })

  test('a message as a client sees it: author, type, status and failure reason', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)
    const { conversation, messages } = await createConversation(business, {
      messages: [
        { body: 'Aquí estoy', type: 'location', meta: { latitude: 19.43, longitude: -99.13 } },
        {
          body: 'Le paso el catálogo',
          direction: 'outbound',
          author: 'human',
          status: 'failed',
          error: 'not_on_whatsapp',
        },
      ],
    })

    const response = await client
      .get(`/conversations/${conversation.id}/messages`)
      .bearerToken(token)
    response.assertStatus(200)
    assert.deepEqual(response.body().data, [
      {
        id: messages[0].id,
        conversationId: conversation.id,
        direction: 'inbound',
        author: 'customer',
        type: 'location',
        body: 'Aquí estoy',
        mediaMime: null,
        mediaName: null,
        status: 'received',
        error: null,
        gatewayMessageId: null,
        hasMedia: false,
        meta: { latitude: 19.43, longitude: -99.13 },
        sentAt: messages[0].sentAt.toISO(),
        mediaStatus: null,
        quoted: null,
        editedAt: null,
        edits: [],
        deletedAt: null,
        reactions: [],
        transcript: null,
        transcriptStatus: null,
      },
      {
        id: messages[1].id,
        conversationId: conversation.id,
        direction: 'outbound',
        author: 'human',
        type: 'text',
        body: 'Le paso el catálogo',
        mediaMime: null,
        mediaName: null,
        status: 'failed',
        error: 'not_on_whatsapp',
        gatewayMessageId: null,
        hasMedia: false,
        meta: null,
        sentAt: messages[1].sentAt.toISO(),
        mediaStatus: null,
        quoted: null,
        editedAt: null,
        edits: [],
        deletedAt: null,
        reactions: [],
        transcript: null,
        transcriptStatus: null,
      },
    ])
    assert.deepEqual(response.body().meta, { nextCursor: null })

    const invalid = await client
      .get(`/conversations/${conversation.id}/messages`)
      .bearerToken(token)
      .qs({ before: 'bm9wZQ' })
    invalid.assertStatus(422)
    assert.equal(invalid.body().errors[0].field, 'before')

    const badId = await client.get('/conversations/123/messages').bearerToken(token)
    badId.assertStatus(422)
    assert.deepEqual(badId.body().errors, [
      { field: 'params.id', rule: 'uuid', message: 'El identificador no es válido.' },
    ])
  })

  test('a reply goes out through WhatsApp and pauses the bot (a takeover)', async ({
    client,
    assert,
  }) => {
    const { user, business, token, instance } = await connectedBusiness(client, fake)
    await readyForAgent(business)
    const { conversation } = await createConversation(business, {
      phone: '5215512345678',
      messages: [{ body: '¿Tienen talla 27?' }],
    })

    const response = await client
      .post(`/conversations/${conversation.id}/messages`)
      .bearerToken(token)
      .json({ text: '  Sí, en negro y blanco  ' })
    response.assertStatus(201)
    assert.containSubset(response.body(), {
      conversationId: conversation.id,
      direction: 'outbound',
      author: 'human',
      type: 'text',
      body: 'Sí, en negro y blanco',
      status: 'sent',
      error: null,
    })

    const sent = fake.sent('/message/sendText')
    assert.lengthOf(sent, 1)
    assert.equal(sent[0].path, `/message/sendText/${instance.instanceName}`)
    assert.containSubset(sent[0].body, {
      number: '5215512345678@s.whatsapp.net',
      text: 'Sí, en negro y blanco',
    })

    const stored = await Message.findOrFail(response.body().id)
    assert.equal(stored.sentByUserId, user.id)
    assert.match(stored.gatewayMessageId!, /^3EB0FAKE/)

    const shown = await client.get(`/conversations/${conversation.id}`).bearerToken(token)
    assert.equal(shown.body().bot.state, 'paused_until')
    assert.equal(shown.body().lastMessagePreview, 'Sí, en negro y blanco')
    assert.equal(shown.body().lastMessageDirection, 'outbound')
    const pausedUntil = DateTime.fromISO(shown.body().bot.until)
    const { takeoverMinutes } = await Business.findOrFail(business.id)
    assert.isAbove(takeoverMinutes, 0)
    assert.approximately(pausedUntil.diffNow('minutes').minutes, takeoverMinutes, 1)
  })

  test('a reply the gateway cannot deliver is kept as failed, with the reason', async ({
    client,
    assert,
  }) => {
    const { business, token } = await connectedBusiness(client, fake)
    const { conversation } = await createConversation(business, { phone: '5215500000001' })
    fake.notOnWhatsapp.add('5215500000001')

    const response = await client
      .post(`/conversations/${conversation.id}/messages`)
      .bearerToken(token)
      .json({ text: 'Hola' })
    response.assertStatus(201)
    assert.containSubset(response.body(), { status: 'failed', error: 'not_on_whatsapp' })
  })

  test('replies are refused while WhatsApp is not connected, and empty ones always', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)
    const { conversation } = await createConversation(business)

    const notConnected = await client
      .post(`/conversations/${conversation.id}/messages`)
      .bearerToken(token)
      .json({ text: 'Hola' })
    notConnected.assertStatus(409)
    assert.equal(
      notConnected.body().message,
      'WhatsApp no está conectado. Conéctalo para poder enviar mensajes.'
    )

    const empty = await client
      .post(`/conversations/${conversation.id}/messages`)
      .bearerToken(token)
      .json({ text: '   ' })
    empty.assertStatus(422)
    assert.deepEqual(
      empty.body().errors.map((error: { message: string }) => error.message),
      ['Escribe un mensaje.']
    )

    const tooLong = await client
      .post(`/conversations/${conversation.id}/messages`)
      .bearerToken(token)
      .json({ text: 'a'.repeat(4097) })
    tooLong.assertStatus(422)
    assert.equal(tooLong.body().errors[0].message, 'El mensaje puede tener hasta 4096 caracteres.')
    assert.lengthOf(await Message.query().where('conversation_id', conversation.id), 0)
  })

  test('reading clears the unread count and sends blue ticks for the unread messages', async ({
    client,
    assert,
  }) => {
    const { business, token } = await connectedBusiness(client, fake)
    const { conversation, contact } = await createConversation(business, {
      unreadCount: 2,
      messages: [
        { body: 'Viejo', gatewayMessageId: 'OLD-1' },
        { body: 'Hola', gatewayMessageId: 'NEW-1' },
        { body: '¿Hay alguien?', gatewayMessageId: 'NEW-2' },
      ],
    })

    const response = await client.post(`/conversations/${conversation.id}/read`).bearerToken(token)
    response.assertStatus(200)
    assert.equal(response.body().unreadCount, 0)
    const stored = await Conversation.findOrFail(conversation.id)
    assert.equal(stored.unreadCount, 0)

    const marked = fake.sent('/chat/markMessageAsRead')
    assert.lengthOf(marked, 1)
    assert.sameDeepMembers(marked[0].body.readMessages, [
      { remoteJid: contact.waJid, fromMe: false, id: 'NEW-2' },
      { remoteJid: contact.waJid, fromMe: false, id: 'NEW-1' },
    ])

    const again = await client.post(`/conversations/${conversation.id}/read`).bearerToken(token)
    again.assertStatus(200)
    assert.lengthOf(fake.sent('/chat/markMessageAsRead'), 1)
  })

  test('reading works when the gateway is down: the blue ticks are only a courtesy', async ({
    client,
    assert,
  }) => {
    const { business, token } = await connectedBusiness(client, fake)
    const { conversation } = await createConversation(business, {
      unreadCount: 1,
      messages: [{ body: 'Hola', gatewayMessageId: 'X-1' }],
    })
    fake.failNext(500, 500, 500, 500, 500)

    const response = await client.post(`/conversations/${conversation.id}/read`).bearerToken(token)
    response.assertStatus(200)
    assert.equal(response.body().unreadCount, 0)
  })

  test('"Devolver al bot" ends the takeover and the handoff; the switch pauses it', async ({
    client,
    assert,
  }) => {
    const { business, token } = await connectedBusiness(client, fake)
    await readyForAgent(business)
    const { conversation } = await createConversation(business, {
      needsHuman: true,
      handoffReason: 'El cliente pidió hablar con una persona',
      botPausedUntil: DateTime.now().plus({ hours: 1 }),
    })

    const before = await client.get(`/conversations/${conversation.id}`).bearerToken(token)
    assert.containSubset(before.body(), {
      needsHuman: true,
      handoffReason: 'El cliente pidió hablar con una persona',
      bot: { state: 'needs_human' },
    })

    const handedBack = await client
      .put(`/conversations/${conversation.id}`)
      .bearerToken(token)
      .json({ botEnabled: true })
    handedBack.assertStatus(200)
    assert.containSubset(handedBack.body(), {
      botEnabled: true,
      needsHuman: false,
      handoffReason: null,
      botPausedUntil: null,
      bot: { state: 'on', until: null },
    })

    const paused = await client
      .put(`/conversations/${conversation.id}`)
      .bearerToken(token)
      .json({ botEnabled: false })
    assert.containSubset(paused.body(), { botEnabled: false, bot: { state: 'paused' } })

    business.botEnabled = false
    await business.save()
    const off = await client.get(`/conversations/${conversation.id}`).bearerToken(token)
    assert.deepEqual(off.body().bot, { state: 'off_business', until: null, reason: 'bot_disabled' })
  })

  test('resolve and reopen; a second open conversation for a contact is refused', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)
    const { conversation, contact } = await createConversation(business)

    const resolved = await client
      .put(`/conversations/${conversation.id}`)
      .bearerToken(token)
      .json({ status: 'resolved' })
    resolved.assertStatus(200)
    assert.equal(resolved.body().status, 'resolved')

    const reopened = await client
      .put(`/conversations/${conversation.id}`)
      .bearerToken(token)
      .json({ status: 'open' })
    assert.equal(reopened.body().status, 'open')

    await client
      .put(`/conversations/${conversation.id}`)
      .bearerToken(token)
      .json({ status: 'resolved' })
    const newer = await Conversation.create({
      businessId: business.id,
      contactId: contact.id,
      status: 'open',
      lastMessageAt: DateTime.now(),
    })
    const conflict = await client
      .put(`/conversations/${conversation.id}`)
      .bearerToken(token)
      .json({ status: 'open' })
    conflict.assertStatus(409)
    assert.equal(
      conflict.body().message,
      'Este cliente ya tiene otra conversación abierta: sigue en esa.'
    )
    const [kept, other] = await Promise.all([
      Conversation.findOrFail(conversation.id),
      Conversation.findOrFail(newer.id),
    ])
    assert.equal(kept.status, 'resolved')
    assert.equal(other.status, 'open')

    const invalid = await client
      .put(`/conversations/${conversation.id}`)
      .bearerToken(token)
      .json({ status: 'archived', botEnabled: 'maybe' })
    invalid.assertStatus(422)
    assert.sameMembers(
      invalid.body().errors.map((error: { field: string }) => error.field),
      ['status', 'botEnabled']
    )

    const nothing = await client
      .put(`/conversations/${conversation.id}`)
      .bearerToken(token)
      .json({})
    nothing.assertStatus(422)
    assert.equal(nothing.body().message, 'No hay nada que cambiar.')
  })

  test('a reply in a resolved conversation is sent; the conversation shows again as open', async ({
    client,
    assert,
  }) => {
    const { business, token } = await connectedBusiness(client, fake)
    const { conversation } = await createConversation(business, { status: 'resolved' })
    const instance = await WhatsappInstance.findByOrFail('business_id', business.id)
    assert.equal(instance.status, 'open')

    const response = await client
      .post(`/conversations/${conversation.id}/messages`)
      .bearerToken(token)
      .json({ text: '¿Le puedo ayudar en algo más?' })
    response.assertStatus(201)
    assert.lengthOf(fake.sent('/message/sendText'), 1)
    const shown = await client.get(`/conversations/${conversation.id}`).bearerToken(token)
    assert.equal(shown.body().status, 'open')
  })
})
