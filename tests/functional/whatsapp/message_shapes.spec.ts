import { test } from '@japa/runner'
import { createHash, randomBytes } from 'node:crypto'
import type { ApiRequest } from '@japa/api-client'
import fc from 'fast-check'
import testUtils from '@adonisjs/core/services/test_utils'
import app from '@adonisjs/core/services/app'
import Message from '#models/message'
import Contact from '#models/contact'
import Conversation from '#models/conversation'
import MediaStorage from '#services/media_storage'
import FetchMessageMedia from '#actions/whatsapp/fetch_message_media'
import { PIXEL_JPEG } from '#tests/helpers/fake_evolution'
import { connectedBusiness, fakeEvolutionFor } from '#tests/helpers/whatsapp'
import {
  contactUpsert,
  deleted,
  edited,
  revoked,
  shapes,
  upsert,
} from '#tests/fixtures/evolution_deliveries'

/**
 * Every shape of the contract page, posted as the gateway posts it through
 * the real webhook route, and read back as a client of the API sees it.
 */
test.group('WhatsApp message shapes', (group) => {
  const fake = fakeEvolutionFor(group)
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  async function setup(client: Parameters<typeof connectedBusiness>[0]) {
    const owner = await connectedBusiness(client, fake)
    const deliver = async (event: string, data: unknown) => {
      const response = await fake.deliver(owner.instance.instanceName, event, data)
      if (response.status !== 200) {
        throw new Error(`${event} answered ${response.status}: ${JSON.stringify(response.body)}`)
      }
    }
    /**
     * The conversation's messages as GET /conversations/:id/messages gives them.
     */
    const thread = async () => {
      const conversation = await Conversation.findByOrFail('business_id', owner.business.id)
      const response = await client
        .get(`/conversations/${conversation.id}/messages`)
        .bearerToken(owner.token)
      return response.body().data as Record<string, any>[]
    }
    const byId = async (gatewayId: string) => {
      const messages = await thread()
      const found = messages.find((message) => message.gatewayMessageId === gatewayId)
      if (!found) throw new Error(`no message ${gatewayId}`)
      return found
    }
    const reactionsOf = (gatewayId: string) => byId(gatewayId).then((message) => message.reactions)
    const quotedOf = (gatewayId: string) => byId(gatewayId).then((message) => message.quoted)
    return { ...owner, deliver, thread, byId, reactionsOf, quotedOf }
  }

  test('disappearing-messages text is the customer’s words', async ({ client, assert }) => {
    const { deliver, byId } = await setup(client)
    await deliver('messages.upsert', shapes.ephemeralText('EPH-1', '¿Tienen la talla 27?'))
    assert.containSubset(await byId('EPH-1'), {
      type: 'text',
      body: '¿Tienen la talla 27?',
      author: 'customer',
    })
  })

  test('view-once photo, voice note and video are media, fetched later', async ({
    client,
    assert,
  }) => {
    const { deliver, byId } = await setup(client)
    await deliver('messages.upsert', shapes.viewOnceImage('VO-1', 'Este modelo'))
    await deliver('messages.upsert', shapes.viewOnceVoiceNote('VO-2'))
    await deliver('messages.upsert', shapes.viewOnceVideo('VO-3'))

    assert.containSubset(await byId('VO-1'), {
      type: 'image',
      body: 'Este modelo',
      mediaMime: 'image/jpeg',
    })
    assert.containSubset(await byId('VO-2'), {
      type: 'audio',
      mediaMime: 'audio/ogg; codecs=opus',
      meta: { note: 'voice' },
    })
    assert.containSubset(await byId('VO-3'), { type: 'video', mediaMime: 'video/mp4' })
  })

  test('a file the gateway did not inline is fetched with the whole message, then shown', async ({
    client,
    assert,
  }) => {
    const { deliver, byId } = await setup(client)
    await deliver('messages.upsert', shapes.viewOnceVoiceNote('DL-1'))
    assert.containSubset(await byId('DL-1'), { mediaStatus: 'downloading', hasMedia: false })

    const voiceNote = Buffer.from('OggS fake opus bytes').toString('base64')
    fake.mediaFiles.set('DL-1', voiceNote)
    const fetchMedia = await app.container.make(FetchMessageMedia)
    const message = await Message.findByOrFail('gateway_message_id', 'DL-1')
    assert.equal(await fetchMedia.handle(message.id, { lastAttempt: false }), 'stored')

    /**
     * Given unwrapped (the gateway does not open view-once V2Extension),
     * with the key as the webhook had it.
     */
    const [request] = fake.sent('/chat/getBase64FromMediaMessage')
    assert.containSubset(request.body, {
      message: {
        key: { id: 'DL-1', remoteJid: '5215512345678@s.whatsapp.net', fromMe: false },
        message: { audioMessage: { mimetype: 'audio/ogg; codecs=opus', ptt: true } },
      },
    })
    assert.containSubset(await byId('DL-1'), { mediaStatus: 'ready', hasMedia: true })
    await message.refresh()
    const storage = await app.container.make(MediaStorage)
    assert.equal(Buffer.from(await storage.read(message.mediaKey!)).toString('base64'), voiceNote)

    /**
     * Done once: a second run of the job changes nothing.
     */
    assert.equal(await fetchMedia.handle(message.id, { lastAttempt: false }), 'skipped')
    assert.lengthOf(fake.sent('/chat/getBase64FromMediaMessage'), 1)
  })

  test('a 30 MB video inlined in one delivery is accepted and stored whole', async ({
    client,
    assert,
  }) => {
    const { deliver, byId } = await setup(client)
    const video = randomBytes(30 * 1024 * 1024)
    await deliver(
      'messages.upsert',
      upsert('BIG-1', {
        videoMessage: { mimetype: 'video/mp4', caption: 'Así llegó el paquete', seconds: 95 },
        base64: video.toString('base64'),
      })
    )
    assert.containSubset(await byId('BIG-1'), {
      type: 'video',
      body: 'Así llegó el paquete',
      mediaStatus: 'ready',
      hasMedia: true,
    })
    const message = await Message.findByOrFail('gateway_message_id', 'BIG-1')
    const storage = await app.container.make(MediaStorage)
    const stored = Buffer.from(await storage.read(message.mediaKey!))
    assert.equal(sha256(stored), sha256(video))
  })

  test('a file that cannot be fetched is retried, then "unavailable" until a person retries', async ({
    client,
    assert,
  }) => {
    const { user, deliver, byId } = await setup(client)
    await deliver('messages.upsert', shapes.viewOnceImage('DL-2', 'Así lo quiero'))
    const message = await Message.findByOrFail('gateway_message_id', 'DL-2')
    const fetchMedia = await app.container.make(FetchMessageMedia)

    fake.failMediaFetches(2)
    await assert.rejects(() => fetchMedia.handle(message.id, { lastAttempt: false }))
    assert.equal(await fetchMedia.handle(message.id, { lastAttempt: true }), 'unavailable')
    assert.containSubset(await byId('DL-2'), {
      mediaStatus: 'unavailable',
      body: 'Así lo quiero',
      hasMedia: false,
    })

    const json = (request: ApiRequest) =>
      request.loginAs(user).withCsrfToken().header('accept', 'application/json')
    const retry = () =>
      json(
        client.post(
          `/inbox/conversations/${message.conversationId}/messages/${message.id}/media/retry`
        )
      )
    const retried = await retry()
    retried.assertStatus(200)
    assert.equal(retried.body().mediaStatus, 'downloading')
    const again = await retry()
    again.assertStatus(409)
    assert.equal(
      again.body().message,
      'Este archivo ya se está descargando o ya no se puede pedir de nuevo.'
    )

    assert.equal(await fetchMedia.handle(message.id, { lastAttempt: false }), 'stored')
    assert.containSubset(await byId('DL-2'), { mediaStatus: 'ready', hasMedia: true })
  })

  test('a message deleted while its file downloads keeps no file', async ({ client, assert }) => {
    const { deliver, byId } = await setup(client)
    await deliver('messages.upsert', shapes.viewOnceImage('DL-3', 'Mi INE'))
    await deliver('messages.edited', revoked('DL-3'))
    const message = await Message.findByOrFail('gateway_message_id', 'DL-3')
    const fetchMedia = await app.container.make(FetchMessageMedia)
    assert.equal(await fetchMedia.handle(message.id, { lastAttempt: false }), 'skipped')
    assert.lengthOf(fake.sent('/chat/getBase64FromMediaMessage'), 0)
    assert.containSubset(await byId('DL-3'), { hasMedia: false, mediaStatus: null, body: null })
  })

  test('a document with a caption inside a wrapper keeps its name and caption', async ({
    client,
    assert,
  }) => {
    const { deliver, byId } = await setup(client)
    await deliver(
      'messages.upsert',
      shapes.ephemeralDocumentWithCaption('DOC-1', 'Mi comprobante', 'pago.pdf')
    )
    assert.containSubset(await byId('DOC-1'), {
      type: 'document',
      body: 'Mi comprobante',
      mediaName: 'pago.pdf',
      mediaMime: 'application/pdf',
    })
  })

  test('a round video note is a video', async ({ client, assert }) => {
    const { deliver, byId } = await setup(client)
    await deliver('messages.upsert', shapes.roundVideoNote('PTV-1'))
    assert.containSubset(await byId('PTV-1'), {
      type: 'video',
      mediaMime: 'video/mp4',
      meta: { note: 'round_video' },
    })
  })

  test('list, button, template and interactive replies are the text chosen, with its id', async ({
    client,
    assert,
  }) => {
    const { deliver, byId } = await setup(client)
    await deliver('messages.upsert', shapes.listReply('CH-1', 'Envío a domicilio', 'ship-home'))
    await deliver('messages.upsert', shapes.buttonReply('CH-2', 'Sí, lo quiero', 'btn-yes'))
    await deliver('messages.upsert', shapes.templateReply('CH-3', 'Ver catálogo', 'tpl-cat'))
    await deliver('messages.upsert', shapes.interactiveReply('CH-4', 'Pagar ahora', 'pay-now'))

    assert.containSubset(await byId('CH-1'), {
      type: 'text',
      body: 'Envío a domicilio',
      meta: { choice: { id: 'ship-home' } },
    })
    assert.containSubset(await byId('CH-2'), {
      type: 'text',
      body: 'Sí, lo quiero',
      meta: { choice: { id: 'btn-yes' } },
    })
    assert.containSubset(await byId('CH-3'), {
      type: 'text',
      body: 'Ver catálogo',
      meta: { choice: { id: 'tpl-cat' } },
    })
    assert.containSubset(await byId('CH-4'), {
      type: 'text',
      body: 'Pagar ahora',
      meta: { choice: { id: 'pay-now' } },
    })
  })

  test('contact cards keep every name and number', async ({ client, assert }) => {
    const { deliver, byId } = await setup(client)
    await deliver('messages.upsert', shapes.contactCard('CARD-1'))
    await deliver('messages.upsert', shapes.contactCards('CARD-2'))

    const one = await byId('CARD-1')
    assert.equal(one.type, 'contact')
    assert.equal(one.body, 'Juan Pérez')
    assert.containSubset(one.meta.contacts, [
      { name: 'Juan Pérez', phones: [{ number: '+52 1 55 8765 4321', waid: '5215587654321' }] },
    ])

    const two = await byId('CARD-2')
    assert.equal(two.body, 'Ana López, Tienda Centro')
    assert.containSubset(two.meta.contacts, [
      { name: 'Ana López', phones: [{ waid: '5491112345678' }] },
      { name: 'Tienda Centro', phones: [{ number: '+52 55 5555 0000' }] },
    ])
  })

  test('a location keeps its name, address and coordinates', async ({ client, assert }) => {
    const { deliver, byId } = await setup(client)
    await deliver('messages.upsert', shapes.location('LOC-1'))
    const location = await byId('LOC-1')
    assert.equal(location.type, 'location')
    assert.equal(location.body, 'Macroplaza — Zaragoza s/n, Centro, Monterrey, N.L.')
    assert.containSubset(location.meta, {
      latitude: 25.6866,
      longitude: -100.3161,
      name: 'Macroplaza',
      address: 'Zaragoza s/n, Centro, Monterrey, N.L.',
    })
  })

  test('a reply keeps what it quotes', async ({ client, assert }) => {
    const { deliver, quotedOf } = await setup(client)
    await deliver('messages.upsert', upsert('Q-1', { conversation: '¿Cuánto cuesta el rojo?' }))
    await deliver(
      'messages.upsert',
      shapes.reply('Q-2', 'Y en azul?', { id: 'Q-1', text: '¿Cuánto cuesta el rojo?' })
    )
    /**
     * A quote of a message we never stored still shows the gateway's text.
     */
    await deliver(
      'messages.upsert',
      shapes.reply('Q-3', 'Este', { id: 'OLD-9', text: 'Catálogo de invierno', fromMe: true })
    )

    assert.deepEqual(await quotedOf('Q-2'), {
      gatewayId: 'Q-1',
      text: '¿Cuánto cuesta el rojo?',
    })
    assert.deepEqual(await quotedOf('Q-3'), {
      gatewayId: 'OLD-9',
      text: 'Catálogo de invierno',
    })
  })

  test('a shape we do not know is kept with the gateway’s type, never dropped', async ({
    client,
    assert,
  }) => {
    const { deliver, byId } = await setup(client)
    await deliver('messages.upsert', shapes.unknown('POLL-1'))
    assert.containSubset(await byId('POLL-1'), {
      type: 'unsupported',
      meta: { gatewayType: 'pollCreationMessageV3' },
    })
  })

  test('edits change the text, keep the history and the preview, in any order', async ({
    client,
    assert,
  }) => {
    const { business, deliver, byId } = await setup(client)
    const sent = Date.now() - 60_000
    await deliver(
      'messages.upsert',
      upsert(
        'ED-1',
        { conversation: '¿Envían a Monterey?' },
        { timestamp: Math.floor(sent / 1000) }
      )
    )
    /**
     * The second edit arrives first (a retried delivery), then the first,
     * then the second again.
     */
    await deliver('messages.edited', edited('ED-1', '¿Envían a Monterrey, N.L.?', sent + 20_000))
    await deliver('messages.edited', edited('ED-1', '¿Envían a Monterrey?', sent + 10_000))
    await deliver('messages.edited', edited('ED-1', '¿Envían a Monterrey, N.L.?', sent + 20_000))

    const message = await byId('ED-1')
    assert.equal(message.body, '¿Envían a Monterrey, N.L.?')
    assert.deepEqual(
      message.edits.map((edit: { text: string }) => edit.text),
      ['¿Envían a Monterey?', '¿Envían a Monterrey?']
    )
    assert.equal(message.editedAt, new Date(sent + 20_000).toISOString().replace('Z', '+00:00'))

    const conversation = await Conversation.findByOrFail('business_id', business.id)
    assert.equal(conversation.lastMessagePreview, '¿Envían a Monterrey, N.L.?')
    assert.equal(conversation.unreadCount, 1, 'an edit is not a new message')
  })

  test('an edit that arrives before its message is applied when the message comes', async ({
    client,
    assert,
  }) => {
    const { deliver, byId } = await setup(client)
    await deliver('messages.edited', edited('LATE-1', 'Quiero 3, no 2'))
    await deliver('messages.upsert', upsert('LATE-1', { conversation: 'Quiero 2' }))

    const message = await byId('LATE-1')
    assert.equal(message.body, 'Quiero 3, no 2')
    assert.deepEqual(
      message.edits.map((edit: { text: string }) => edit.text),
      ['Quiero 2']
    )
  })

  for (const via of ['messages.edited REVOKE', 'messages.delete'] as const) {
    test(`a delete for everyone (${via}) leaves nothing readable`, async ({ client, assert }) => {
      const { business, token, deliver, byId, quotedOf, thread } = await setup(client)
      await deliver('messages.upsert', {
        ...upsert('DEL-1', {
          imageMessage: { mimetype: 'image/jpeg', caption: 'Mi tarjeta 4111 1111 1111 1111' },
        }),
        message: {
          imageMessage: { mimetype: 'image/jpeg', caption: 'Mi tarjeta 4111 1111 1111 1111' },
          base64: PIXEL_JPEG,
        },
      })
      await deliver(
        'messages.upsert',
        shapes.reply('DEL-2', '¿Lo recibieron?', { id: 'DEL-1', text: 'Mi tarjeta 4111' })
      )
      const stored = await Message.findByOrFail('gateway_message_id', 'DEL-1')
      const fileKey = stored.mediaKey!
      const storage = await app.container.make(MediaStorage)
      assert.isTrue(await storage.exists(fileKey))
      const search = () =>
        client
          .get('/conversations')
          .qs({ business_id: business.id, q: '4111 1111' })
          .bearerToken(token)
          .then((response) => response.body().data)
      assert.lengthOf(await search(), 1, 'found before the delete')

      await deliver(
        via === 'messages.delete' ? 'messages.delete' : 'messages.edited',
        via === 'messages.delete' ? deleted('DEL-1') : revoked('DEL-1')
      )

      const message = await byId('DEL-1')
      assert.isNotNull(message.deletedAt)
      assert.containSubset(message, {
        body: null,
        hasMedia: false,
        mediaMime: null,
        meta: null,
        edits: [],
        reactions: [],
      })
      assert.isFalse(await storage.exists(fileKey), 'the stored file is removed')
      assert.deepEqual(await quotedOf('DEL-2'), { gatewayId: 'DEL-1', text: null })
      assert.notInclude(JSON.stringify(await thread()), '4111')

      assert.deepEqual(await search(), [], 'search no longer finds it')
    })
  }

  test('reactions attach to their message, replace, and are removed by an empty one', async ({
    client,
    assert,
  }) => {
    const { business, deliver, reactionsOf, thread } = await setup(client)
    await deliver('messages.upsert', upsert('R-1', { conversation: 'Ya pagué' }))
    const before = await Conversation.findByOrFail('business_id', business.id)

    await deliver('messages.upsert', shapes.reaction('RX-1', 'R-1', '👍'))
    assert.containSubset(await reactionsOf('R-1'), [{ emoji: '👍', fromMe: false }])
    assert.lengthOf(await reactionsOf('R-1'), 1)
    await deliver('messages.upsert', shapes.reaction('RX-2', 'R-1', '❤️'))
    await deliver('messages.upsert', shapes.reaction('RX-3', 'R-1', '🙏', { fromMe: true }))
    assert.containSubset(await reactionsOf('R-1'), [
      { emoji: '❤️', fromMe: false },
      { emoji: '🙏', fromMe: true },
    ])
    assert.lengthOf(await reactionsOf('R-1'), 2)

    await deliver('messages.upsert', shapes.reaction('RX-4', 'R-1', ''))
    assert.containSubset(await reactionsOf('R-1'), [{ emoji: '🙏', fromMe: true }])
    assert.lengthOf(await reactionsOf('R-1'), 1)

    assert.lengthOf(await thread(), 1, 'a reaction is not a message')
    const after = await Conversation.findByOrFail('business_id', business.id)
    assert.equal(after.unreadCount, before.unreadCount)
    assert.equal(after.lastMessagePreview, 'Ya pagué')
  })

  test('a reaction before its message waits for it', async ({ client, assert }) => {
    const { deliver, reactionsOf } = await setup(client)
    await deliver('messages.upsert', shapes.reaction('RX-9', 'R-9', '😂'))
    await deliver('messages.upsert', upsert('R-9', { conversation: 'jaja' }))
    assert.containSubset(await reactionsOf('R-9'), [{ emoji: '😂', fromMe: false }])
  })

  test('contacts.upsert, as an object or an array, updates a known contact', async ({
    client,
    assert,
  }) => {
    const { business, deliver } = await setup(client)
    await deliver('messages.upsert', upsert('C-1', { conversation: 'Hola' }))

    await deliver('contacts.upsert', contactUpsert('Gio ✨', 'https://pps.whatsapp.net/v/a.jpg'))
    let contact = await Contact.findByOrFail('business_id', business.id)
    assert.equal(contact.pushName, 'Gio ✨')
    assert.equal(contact.pictureUrl, 'https://pps.whatsapp.net/v/a.jpg')

    /**
     * The array form is named from the owner's address book: a new picture,
     * but the name the customer gave WhatsApp stays.
     */
    await deliver('contacts.update', [
      contactUpsert('Gio de la tienda', 'https://pps.whatsapp.net/b'),
    ])
    contact = await Contact.findByOrFail('business_id', business.id)
    assert.equal(contact.pushName, 'Gio ✨')
    assert.equal(contact.pictureUrl, 'https://pps.whatsapp.net/b')

    /**
     * A stranger the gateway knows of is not made a contact.
     */
    await deliver('contacts.upsert', [
      { ...contactUpsert('Otra', null), remoteJid: '5215500000001@s.whatsapp.net' },
    ])
    assert.lengthOf(await Contact.query().where('business_id', business.id), 1)
  })

  test('other protocol messages are accepted and store nothing', async ({ client, assert }) => {
    const { business, deliver } = await setup(client)
    await deliver('messages.upsert', upsert('P-0', { conversation: 'Hola' }))
    await deliver(
      'messages.upsert',
      upsert('P-1', { protocolMessage: { type: 3, ephemeralExpiration: 604_800 } })
    )
    await deliver(
      'messages.upsert',
      upsert('P-2', {
        senderKeyDistributionMessage: { groupId: 'x' },
        protocolMessage: { type: 5 },
      })
    )
    const messages = await Message.query().where('business_id', business.id)
    assert.deepEqual(
      messages.map((message) => message.gatewayMessageId),
      ['P-0']
    )
  })

  test('any order of a message, its edits, revoke and reactions, with repeats, ends the same', async ({
    client,
    assert,
  }) => {
    const { deliver, byId } = await setup(client)
    const sent = Date.now() - 86_400_000
    let run = 0

    type Delivery = { event: string; data: unknown }
    const amendment = fc.oneof(
      fc.record({
        kind: fc.constant('edit' as const),
        text: fc.constantFrom('talla 26', 'talla 27', 'talla 28'),
      }),
      fc.record({
        kind: fc.constant('reaction' as const),
        emoji: fc.constantFrom('👍', '❤️', ''),
        fromMe: fc.boolean(),
      })
    )
    const scenario = fc.record({
      amendments: fc.array(amendment, { maxLength: 5 }),
      revoke: fc.constantFrom(null, 'messages.edited', 'messages.delete', 'both'),
      order: fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
      repeats: fc.array(fc.nat(), { maxLength: 3 }),
    })

    await fc.assert(
      fc.asyncProperty(scenario, async ({ amendments, revoke, order, repeats }) => {
        const id = `PROP-${++run}`
        /**
         * Each run's message is newer than the last (the thread's first page
         * is the newest).
         */
        const base = sent + run * 10_000
        const deliveries: Delivery[] = [
          {
            event: 'messages.upsert',
            data: upsert(id, { conversation: 'talla 25' }, { timestamp: Math.floor(base / 1000) }),
          },
        ]
        amendments.forEach((change, index) => {
          const at = base + (index + 1) * 1000
          if (change.kind === 'edit') {
            deliveries.push({ event: 'messages.edited', data: edited(id, change.text, at) })
          } else {
            const reaction = shapes.reaction(`${id}-R${index}`, id, change.emoji, {
              fromMe: change.fromMe,
            })
            const content = reaction.message as { reactionMessage?: { senderTimestampMs: string } }
            content.reactionMessage!.senderTimestampMs = String(at)
            deliveries.push({ event: 'messages.upsert', data: reaction })
          }
        })
        if (revoke === 'messages.edited' || revoke === 'both') {
          deliveries.push({ event: 'messages.edited', data: revoked(id) })
        }
        if (revoke === 'messages.delete' || revoke === 'both') {
          deliveries.push({ event: 'messages.delete', data: deleted(id) })
        }

        /**
         * A shuffle by the generated keys, then some deliveries again.
         */
        const shuffled = deliveries
          .map((delivery, index) => ({ delivery, key: order[index % order.length] * 100 + index }))
          .sort((a, b) => a.key - b.key)
          .map(({ delivery }) => delivery)
        for (const repeat of repeats) shuffled.push(shuffled[repeat % shuffled.length])
        for (const delivery of shuffled) await deliver(delivery.event, delivery.data)

        /**
         * What the customer and the business see, from the set alone.
         */
        const message = await byId(id)
        if (revoke) {
          assert.isNotNull(message.deletedAt)
          assert.containSubset(message, { body: null, edits: [], reactions: [] })
          return
        }
        const edits = amendments.filter((change) => change.kind === 'edit')
        const texts = ['talla 25', ...edits.map((change) => change.text)]
        assert.equal(message.body, texts[texts.length - 1])
        assert.deepEqual(
          message.edits.map((edit: { text: string }) => edit.text),
          edits.length > 0 ? texts.slice(0, -1) : []
        )
        const latest = new Map<boolean, string>()
        for (const change of amendments) {
          if (change.kind === 'reaction') latest.set(change.fromMe, change.emoji)
        }
        assert.deepEqual(
          message.reactions.map((reaction: { emoji: string; fromMe: boolean }) => [
            reaction.fromMe,
            reaction.emoji,
          ]),
          [false, true].filter((side) => latest.get(side)).map((side) => [side, latest.get(side)])
        )
      }),
      { numRuns: 30 }
    )
  })
})

function sha256(bytes: Uint8Array) {
  return createHash('sha256').update(bytes).digest('hex')
}
