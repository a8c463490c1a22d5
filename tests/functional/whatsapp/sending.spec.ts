import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import testUtils from '@adonisjs/core/services/test_utils'
import { WhatsAppGateway } from '#services/whatsapp/whatsapp_gateway'
import { GatewayRejectedError, GatewayUnavailableError } from '#services/whatsapp/gateway_errors'
import { connectedBusiness, fakeEvolutionFor } from '#tests/helpers/whatsapp'
import { createConversation } from '#tests/helpers/inbox'

/**
 * What our requests to the gateway carry, as the fake receives them.
 */
test.group('Sending through the Evolution gateway', (group) => {
  const fake = fakeEvolutionFor(group)
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a 400 saying the connection is closed is "unavailable"; a number not on WhatsApp or a request it cannot read is a refusal', async ({
    client,
    assert,
  }) => {
    const { instance } = await connectedBusiness(client, fake)
    const gateway = await app.container.make(WhatsAppGateway)
    const send = async () => {
      try {
        await gateway.sendText(instance.credentials(), '5215512345678', 'Hola')
        return null
      } catch (error) {
        return error
      }
    }

    for (const text of [
      'Error: Connection Closed',
      'Connection Closed',
      'Error: Timed Out',
      'Error: Connection was lost',
      'Error: WebSocket not open',
    ]) {
      fake.answerError(400, [text])
      const error = await send()
      assert.instanceOf(error, GatewayUnavailableError, text)
      assert.notInstanceOf(error, GatewayRejectedError, text)
    }

    fake.answerError(400, [
      { jid: '5215512345678@s.whatsapp.net', exists: false, number: '5215512345678' },
    ])
    assert.containSubset(await send(), { reason: 'not_on_whatsapp', gatewayStatus: 400 })
    fake.answerError(400, [['instance requires property "number"']])
    assert.instanceOf(await send(), GatewayRejectedError)
  })

  test('a file always goes with a name whose extension matches its type', async ({
    client,
    assert,
  }) => {
    const { instance } = await connectedBusiness(client, fake)
    const gateway = await app.container.make(WhatsAppGateway)

    const cases = [
      ['image', 'image/jpeg', 'foto', 'foto.jpg'],
      ['image', 'image/jpeg', 'tenis.JPEG', 'tenis.JPEG'],
      ['image', 'image/png', '123.jpg', '123.png'],
      ['image', 'image/webp', 'sticker', 'sticker.webp'],
      ['video', 'video/mp4', 'demo.mov', 'demo.mp4'],
      ['audio', 'audio/ogg; codecs=opus', 'nota de voz', 'nota de voz.ogg'],
      ['document', 'application/pdf', 'Catálogo 2025', 'Catálogo 2025.pdf'],
      ['document', 'application/pdf', 'lista.v2', 'lista.v2.pdf'],
      ['document', 'application/x-unknown', 'datos.bin', 'datos.bin'],
    ] as const
    for (const [kind, mimetype, fileName] of cases) {
      await gateway.sendMedia(instance.credentials(), '5215512345678', {
        kind,
        url: 'https://files.example/p/123',
        mimetype,
        fileName,
      })
    }

    assert.deepEqual(
      fake.sent('/message/sendMedia').map((request) => request.body.fileName),
      cases.map(([, , , expected]) => expected)
    )
    assert.equal(fake.sent('/message/sendMedia')[5].body.mimetype, 'audio/ogg; codecs=opus')
  })

  test('a text or a file can quote a message of the chat', async ({ client, assert }) => {
    const { instance } = await connectedBusiness(client, fake)
    const gateway = await app.container.make(WhatsAppGateway)

    await gateway.sendText(instance.credentials(), '5215512345678', 'Sí, ese mismo', {
      quotedId: '3EB0A1B2C3D4',
    })
    await gateway.sendText(instance.credentials(), '5215512345678', 'Hola')
    await gateway.sendMedia(
      instance.credentials(),
      '5215512345678',
      {
        kind: 'image',
        url: 'https://files.example/p/1.jpg',
        mimetype: 'image/jpeg',
        fileName: '1.jpg',
      },
      { quotedId: '3EB0A1B2C3D4' }
    )

    const [quoted, plain] = fake.sent('/message/sendText')
    assert.deepEqual(quoted.body.quoted, { key: { id: '3EB0A1B2C3D4' } })
    assert.notProperty(plain.body, 'quoted')
    assert.deepEqual(fake.sent('/message/sendMedia')[0].body.quoted, {
      key: { id: '3EB0A1B2C3D4' },
    })
  })

  test('read receipts go to the phone JID when the phone is known, the @lid JID only otherwise', async ({
    client,
    assert,
  }) => {
    const { business, token } = await connectedBusiness(client, fake)
    /**
     * A customer whose replies go to their @lid JID but whose phone we
     * know (the gateway skips @lid JIDs when marking read), and one
     * known only by their @lid JID.
     */
    const withPhone = await createConversation(business, {
      phone: '5215511112222',
      unreadCount: 1,
      messages: [{ body: 'Hola', gatewayMessageId: 'LID-PHONE-1' }],
    })
    withPhone.contact.merge({ waJid: '103899771998284@lid', lid: '103899771998284@lid' })
    await withPhone.contact.save()
    const lidOnly = await createConversation(business, {
      unreadCount: 1,
      messages: [{ body: 'Hola', gatewayMessageId: 'LID-ONLY-1' }],
    })
    lidOnly.contact.merge({ waJid: '209999999999999@lid', lid: '209999999999999@lid', phone: null })
    await lidOnly.contact.save()

    for (const { conversation } of [withPhone, lidOnly]) {
      const read = await client.post(`/conversations/${conversation.id}/read`).bearerToken(token)
      read.assertStatus(200)
    }

    assert.deepEqual(
      fake.sent('/chat/markMessageAsRead').map((request) => request.body.readMessages),
      [
        [{ remoteJid: '5215511112222@s.whatsapp.net', fromMe: false, id: 'LID-PHONE-1' }],
        [{ remoteJid: '209999999999999@lid', fromMe: false, id: 'LID-ONLY-1' }],
      ]
    )
  })
})
