import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import Message from '#models/message'
import Contact from '#models/contact'
import Conversation from '#models/conversation'
import { FakeEvolution, PIXEL_JPEG } from '#tests/helpers/fake_evolution'
import { connectedBusiness, fakeEvolutionFor } from '#tests/helpers/whatsapp'
import type { BusinessBotStatus } from '#shared/bot_status'

/**
 * The conversation's own state, with the business's bot able to answer.
 */
const BOT_ON: BusinessBotStatus = { state: 'on', reason: null }

test.group('WhatsApp webhook ingest', (group) => {
  const fake = fakeEvolutionFor(group)
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  async function messagesOf(businessId: string) {
    return Message.query().where('business_id', businessId).orderBy('sent_at').orderBy('created_at')
  }

  test('a customer’s text is stored once, with its contact and conversation', async ({
    client,
    assert,
  }) => {
    const { business, instance } = await connectedBusiness(client, fake)
    const data = FakeEvolution.textMessage({
      id: '3A554E20ECABF3D45BB2',
      from: '5215512345678@s.whatsapp.net',
      text: 'Hola, ¿tienen envío a Monterrey?',
      pushName: 'Giovanna',
    })

    const first = await fake.deliver(instance.instanceName, 'messages.upsert', data)
    assert.equal(first.status, 200)

    const messages = await messagesOf(business.id)
    assert.lengthOf(messages, 1)
    assert.containSubset(messages[0].serialize(), {
      direction: 'inbound',
      author: 'customer',
      type: 'text',
      body: 'Hola, ¿tienen envío a Monterrey?',
      gatewayMessageId: '3A554E20ECABF3D45BB2',
      status: 'received',
    })

    const contact = await Contact.findByOrFail('business_id', business.id)
    assert.equal(contact.phone, '5215512345678')
    assert.equal(contact.waJid, '5215512345678@s.whatsapp.net')
    assert.equal(contact.pushName, 'Giovanna')

    const conversation = await Conversation.findByOrFail('business_id', business.id)
    assert.equal(conversation.unreadCount, 1)
    assert.equal(conversation.lastMessagePreview, 'Hola, ¿tienen envío a Monterrey?')
  })

  test('the gateway’s retries of a delivery never create a second message', async ({
    client,
    assert,
  }) => {
    const { business, instance } = await connectedBusiness(client, fake)
    const data = FakeEvolution.textMessage({
      id: 'DUP-1',
      from: '5215512345678@s.whatsapp.net',
      text: 'Hola',
    })

    const answers = await Promise.all(
      Array.from({ length: 5 }, () => fake.deliver(instance.instanceName, 'messages.upsert', data))
    )
    assert.deepEqual(
      answers.map((answer) => answer.status),
      [200, 200, 200, 200, 200]
    )

    assert.lengthOf(await messagesOf(business.id), 1)
    const conversation = await Conversation.findByOrFail('business_id', business.id)
    assert.equal(conversation.unreadCount, 1)
  })

  test('an image arrives with its caption and type', async ({ client, assert }) => {
    const { business, instance } = await connectedBusiness(client, fake)
    await fake.deliver(instance.instanceName, 'messages.upsert', {
      key: { remoteJid: '5215512345678@s.whatsapp.net', fromMe: false, id: 'IMG-1' },
      pushName: 'Giovanna',
      message: {
        imageMessage: { mimetype: 'image/jpeg', caption: '¿Lo tienen en rojo?' },
        base64: PIXEL_JPEG,
      },
      messageType: 'imageMessage',
      messageTimestamp: Math.floor(Date.now() / 1000),
    })

    const [message] = await messagesOf(business.id)
    assert.containSubset(message.serialize(), {
      type: 'image',
      body: '¿Lo tienen en rojo?',
      mediaMime: 'image/jpeg',
    })

    // The bytes are kept in storage, under the business, and match.
    assert.match(
      message.mediaKey!,
      new RegExp(`^businesses/${business.id}/messages/[0-9a-f]{32}\\.jpg$`)
    )
    const { default: app } = await import('@adonisjs/core/services/app')
    const { default: MediaStorage } = await import('#services/media_storage')
    const storage = await app.container.make(MediaStorage)
    const bytes = await storage.read(message.mediaKey!)
    assert.equal(Buffer.from(bytes).toString('base64'), PIXEL_JPEG)
  })

  test('unknown message kinds are kept as unsupported with a placeholder', async ({
    client,
    assert,
  }) => {
    const { business, instance } = await connectedBusiness(client, fake)
    await fake.deliver(instance.instanceName, 'messages.upsert', {
      key: { remoteJid: '5215512345678@s.whatsapp.net', fromMe: false, id: 'POLL-1' },
      message: { pollCreationMessageV3: { name: '¿Cuál prefieres?' } },
      messageType: 'pollCreationMessageV3',
      messageTimestamp: Math.floor(Date.now() / 1000),
    })

    const [message] = await messagesOf(business.id)
    assert.equal(message.type, 'unsupported')
    assert.deepEqual(message.meta, { gatewayType: 'pollCreationMessageV3' })
    const conversation = await Conversation.findByOrFail('business_id', business.id)
    assert.equal(conversation.lastMessagePreview, '[unsupported]')
  })

  test('LID senders: the phone JID is used when the gateway gives it, else the @lid JID', async ({
    client,
    assert,
  }) => {
    const { business, instance } = await connectedBusiness(client, fake)

    await fake.deliver(
      instance.instanceName,
      'messages.upsert',
      FakeEvolution.textMessage({
        id: 'LID-1',
        from: '103899771998284@lid',
        remoteJidAlt: '5215511112222@s.whatsapp.net',
        text: 'Hola desde LID con teléfono',
      })
    )
    await fake.deliver(
      instance.instanceName,
      'messages.upsert',
      FakeEvolution.textMessage({ id: 'LID-2', from: '209999999999999@lid', text: 'Hola solo LID' })
    )

    const withPhone = await Contact.query()
      .where('business_id', business.id)
      .where('lid', '103899771998284@lid')
      .firstOrFail()
    assert.equal(withPhone.waJid, '5215511112222@s.whatsapp.net')
    assert.equal(withPhone.phone, '5215511112222')

    const lidOnly = await Contact.query()
      .where('business_id', business.id)
      .where('wa_jid', '209999999999999@lid')
      .firstOrFail()
    assert.isNull(lidOnly.phone)

    // Replying to the LID-only contact goes to the full @lid JID.
    const conversation = await Conversation.query().where('contact_id', lidOnly.id).firstOrFail()
    const { default: SendWhatsappMessage } = await import('#actions/whatsapp/send_whatsapp_message')
    const { default: app } = await import('@adonisjs/core/services/app')
    const sender = await app.container.make(SendWhatsappMessage)
    await business.refresh()
    await sender.handle({ business, conversation, text: 'Hola', author: 'human' })
    assert.equal(fake.sent('/message/sendText')[0].body.number, '209999999999999@lid')
  })

  test('groups, status broadcasts and newsletters are ignored', async ({ client, assert }) => {
    const { business, instance } = await connectedBusiness(client, fake)

    for (const [id, jid] of [
      ['G-1', '120363025246125888@g.us'],
      ['S-1', 'status@broadcast'],
      ['N-1', '120363144038483540@newsletter'],
    ]) {
      const answer = await fake.deliver(
        instance.instanceName,
        'messages.upsert',
        FakeEvolution.textMessage({ id, from: jid, text: 'spam' })
      )
      assert.equal(answer.status, 200)
    }

    assert.lengthOf(await messagesOf(business.id), 0)
    assert.lengthOf(await Contact.query().where('business_id', business.id), 0)
  })

  test('a message typed on the paired phone (fromMe) is logged as a person’s outbound message', async ({
    client,
    assert,
  }) => {
    const { business, instance } = await connectedBusiness(client, fake)
    await fake.deliver(
      instance.instanceName,
      'messages.upsert',
      FakeEvolution.textMessage({
        id: 'ME-1',
        from: '5215512345678@s.whatsapp.net',
        text: 'Yo te atiendo',
        fromMe: true,
      })
    )

    const [message] = await messagesOf(business.id)
    assert.containSubset(message.serialize(), {
      direction: 'outbound',
      author: 'human',
      body: 'Yo te atiendo',
    })
    const conversation = await Conversation.findByOrFail('business_id', business.id)
    assert.equal(conversation.unreadCount, 0)

    // A person took over: the bot stays quiet for the takeover window (2 h by default).
    assert.equal(conversation.botState(BOT_ON).state, 'paused_until')
    const minutes = conversation.botPausedUntil!.diffNow('minutes').minutes
    assert.isAbove(minutes, 118)
    assert.isBelow(minutes, 121)
  })

  test('right after an accepted delivery, a wrong secret is still refused and a disconnected instance is refused', async ({
    client,
    assert,
  }) => {
    const { business, instance, token } = await connectedBusiness(client, fake)
    const text = (id: string) =>
      FakeEvolution.textMessage({ id, from: '5215512345678@s.whatsapp.net', text: 'hola' })

    const accepted = await fake.deliver(instance.instanceName, 'messages.upsert', text('R-1'))
    assert.equal(accepted.status, 200)

    const wrong = await fake.deliver(instance.instanceName, 'messages.upsert', text('R-2'), {
      headers: { authorization: 'Bearer not-the-secret' },
    })
    assert.equal(wrong.status, 401)

    const headers = fake.instances.get(instance.instanceName)!.webhook.headers
    const removed = await client.delete(`/wa/${business.id}`).bearerToken(token)
    removed.assertStatus(204)
    const afterwards = await fake.deliver(instance.instanceName, 'messages.upsert', text('R-3'), {
      headers,
    })
    assert.equal(afterwards.status, 401)

    const stored = await messagesOf(business.id)
    assert.deepEqual(
      stored.map((message) => message.gatewayMessageId),
      ['R-1']
    )
  })

  test('deliveries without the instance’s secret, for unknown instances, or malformed are refused and store nothing', async ({
    client,
    assert,
  }) => {
    const { business, instance } = await connectedBusiness(client, fake)
    const data = FakeEvolution.textMessage({
      id: 'X-1',
      from: '5215512345678@s.whatsapp.net',
      text: 'hola',
    })

    const missing = await fake.deliver(instance.instanceName, 'messages.upsert', data, {
      headers: {},
    })
    assert.equal(missing.status, 401)

    const wrong = await fake.deliver(instance.instanceName, 'messages.upsert', data, {
      headers: { authorization: 'Bearer not-the-secret' },
    })
    assert.equal(wrong.status, 401)

    const unknown = await fake.deliver('atiende-unknown', 'messages.upsert', data, {
      headers: { authorization: 'Bearer whatever' },
    })
    assert.equal(unknown.status, 401)

    const malformed = await fake.deliver(instance.instanceName, 'messages.upsert', {
      key: { id: 5 },
    })
    assert.equal(malformed.status, 400)

    const rawGarbage = await fetch(
      `http://${process.env.HOST}:${process.env.PORT}/webhooks/whatsapp`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '[1,2,3]',
      }
    )
    assert.equal(rawGarbage.status, 400)

    assert.lengthOf(await messagesOf(business.id), 0)
    const [{ count }] = await db
      .from('contacts')
      .where('business_id', business.id)
      .count('* as count')
    assert.equal(Number(count), 0)
  })

  test('sending logs the message; statuses only move forward', async ({ client, assert }) => {
    const { business, token, instance } = await connectedBusiness(client, fake)

    const sent = await client
      .post(`/wa/${business.id}/send`)
      .bearerToken(token)
      .json({ phone: '+52 1 55 1234 5678', message: '¡Hola! Ya tenemos tu pedido.' })

    sent.assertStatus(201)
    assert.containSubset(sent.body(), {
      direction: 'outbound',
      author: 'human',
      body: '¡Hola! Ya tenemos tu pedido.',
      status: 'sent',
    })
    const gatewayId = sent.body().gatewayMessageId
    assert.match(gatewayId, /^3EB0FAKE/)
    const [request] = fake.sent('/message/sendText')
    assert.deepEqual(request.body, {
      number: '5215512345678@s.whatsapp.net',
      text: '¡Hola! Ya tenemos tu pedido.',
      linkPreview: false,
    })
    assert.equal(request.apikey, instance.revealToken())

    // The gateway echoes our send as send.message: still one message.
    await fake.deliver(instance.instanceName, 'send.message', {
      key: { remoteJid: '5215512345678@s.whatsapp.net', fromMe: true, id: gatewayId },
      status: 'PENDING',
      message: { conversation: '¡Hola! Ya tenemos tu pedido.' },
      messageType: 'conversation',
      messageTimestamp: Math.floor(Date.now() / 1000),
    })
    for (const status of ['DELIVERY_ACK', 'READ', 'DELIVERY_ACK']) {
      await fake.deliver(instance.instanceName, 'messages.update', {
        keyId: gatewayId,
        remoteJid: '5215512345678@s.whatsapp.net',
        fromMe: true,
        status,
      })
    }

    const messages = await messagesOf(business.id)
    assert.lengthOf(messages, 1)
    assert.equal(messages[0].status, 'read')

    // Writing from Atiende is a takeover too.
    const conversation = await Conversation.findByOrFail('business_id', business.id)
    assert.equal(conversation.botState(BOT_ON).state, 'paused_until')
  })

  test('the gateway failing twice (5xx) and then answering still sends once', async ({
    client,
    assert,
  }) => {
    const { business, token } = await connectedBusiness(client, fake)
    fake.failNext(500, 503)

    const sent = await client
      .post(`/wa/${business.id}/send`)
      .bearerToken(token)
      .json({ phone: '5215512345678', message: 'Hola' })

    sent.assertStatus(201)
    assert.equal(sent.body().status, 'sent')
    assert.lengthOf(fake.sent('/message/sendText'), 3)
  })

  test('a number not on WhatsApp is marked failed; a gateway that is down queues the message', async ({
    client,
    assert,
  }) => {
    const { business, token } = await connectedBusiness(client, fake)
    fake.notOnWhatsapp.add('5219999999999')

    const notOnWhatsapp = await client
      .post(`/wa/${business.id}/send`)
      .bearerToken(token)
      .json({ phone: '5219999999999', message: 'Hola' })
    notOnWhatsapp.assertStatus(201)
    assert.containSubset(notOnWhatsapp.body(), { status: 'failed', error: 'not_on_whatsapp' })

    await fake.down()
    try {
      const down = await client
        .post(`/wa/${business.id}/send`)
        .bearerToken(token)
        .json({ phone: '5215512345678', message: 'Hola' })
      down.assertStatus(201)
      assert.containSubset(down.body(), { status: 'queued', error: null })
    } finally {
      await fake.start()
    }

    const invalid = await client
      .post(`/wa/${business.id}/send`)
      .bearerToken(token)
      .json({ phone: 'abc', message: 'Hola' })
    invalid.assertStatus(422)
    assert.equal(invalid.body().errors[0].field, 'phone')
  })

  test('sending while WhatsApp is not connected is refused with a clear message', async ({
    client,
    assert,
  }) => {
    const { business, token, instance } = await connectedBusiness(client, fake)
    await fake.deliver(instance.instanceName, 'connection.update', {
      state: 'close',
      statusReason: 401,
    })

    const response = await client
      .post(`/wa/${business.id}/send`)
      .bearerToken(token)
      .json({ phone: '5215512345678', message: 'Hola' })
    response.assertStatus(409)
    assert.equal(
      response.body().message,
      'WhatsApp no está conectado. Conéctalo para poder enviar mensajes.'
    )
    assert.lengthOf(fake.sent('/message/sendText'), 0)
  })
})
