import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import testUtils from '@adonisjs/core/services/test_utils'
import Contact from '#models/contact'
import Conversation from '#models/conversation'
import Message from '#models/message'
import { FakeEvolution } from '#tests/helpers/fake_evolution'
import { connectedBusiness, fakeEvolutionFor } from '#tests/helpers/whatsapp'
import { createConversation } from '#tests/helpers/inbox'

/**
 * A phone typed by a person (a manual send) and the JID the gateway writes
 * it with are one customer: one contact, one conversation.
 */
test.group('WhatsApp phone numbers: one contact per phone', (group) => {
  const fake = fakeEvolutionFor(group)
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  async function connectedIn(client: ApiClient, country: string) {
    const connected = await connectedBusiness(client, fake)
    const updated = await client
      .put(`/business/${connected.business.id}`)
      .bearerToken(connected.token)
      .json({ country })
    updated.assertStatus(200)
    await connected.business.refresh()
    return connected
  }

  async function send(client: ApiClient, businessId: string, token: string, phone: string) {
    const sent = await client
      .post(`/wa/${businessId}/send`)
      .bearerToken(token)
      .json({ phone, message: 'Hola, ¿en qué te ayudo?' })
    sent.assertStatus(201)
    return sent
  }

  async function customerWrites(instanceName: string, from: string, id: string) {
    const answer = await fake.deliver(
      instanceName,
      'messages.upsert',
      FakeEvolution.textMessage({ id, from, text: 'Hola, quiero unos tenis' })
    )
    if (answer.status !== 200) throw new Error(`webhook answered ${answer.status}`)
  }

  /**
   * The business's contacts, conversations and where each message went.
   */
  async function storedFor(businessId: string) {
    const contacts = await Contact.query().where('business_id', businessId)
    const conversations = await Conversation.query().where('business_id', businessId)
    const messages = await Message.query().where('business_id', businessId)
    return { contacts, conversations, messages }
  }

  test('Mexico: a send to +52 55 1234 5678, then the customer from 521…', async ({
    client,
    assert,
  }) => {
    const { business, token, instance } = await connectedBusiness(client, fake)

    await send(client, business.id, token, '+52 55 1234 5678')
    assert.equal(fake.sent('/message/sendText')[0].body.number, '5215512345678@s.whatsapp.net')
    await customerWrites(instance.instanceName, '5215512345678@s.whatsapp.net', 'MX-1')

    const { contacts, conversations, messages } = await storedFor(business.id)
    assert.lengthOf(contacts, 1)
    assert.lengthOf(conversations, 1)
    assert.sameDeepMembers(
      messages.map((message) => [message.direction, message.conversationId]),
      [
        ['outbound', conversations[0].id],
        ['inbound', conversations[0].id],
      ]
    )
  })

  test('Mexico: a contact stored without the 1 is the one the customer writes from', async ({
    client,
    assert,
  }) => {
    const { business, token, instance } = await connectedBusiness(client, fake)
    const { contact, conversation } = await createConversation(business, {
      phone: '525512345678',
      messages: [{ body: 'Hola', direction: 'outbound', author: 'human' }],
    })

    await customerWrites(instance.instanceName, '5215512345678@s.whatsapp.net', 'MX-2')
    await send(client, business.id, token, '55 1234 5678')

    const { contacts, conversations, messages } = await storedFor(business.id)
    assert.deepEqual(
      contacts.map((row) => row.id),
      [contact.id]
    )
    assert.deepEqual(
      conversations.map((row) => row.id),
      [conversation.id]
    )
    assert.lengthOf(messages, 3)
    // The gateway's form of the number is the address replies go to.
    assert.equal(contacts[0].waJid, '5215512345678@s.whatsapp.net')
    assert.equal(fake.sent('/message/sendText')[0].body.number, '5215512345678@s.whatsapp.net')
  })

  test('Argentina: a send to +54 11 1234-5678 (no 9), then the customer from 549…', async ({
    client,
    assert,
  }) => {
    const { business, token, instance } = await connectedIn(client, 'AR')

    await send(client, business.id, token, '+54 11 1234-5678')
    await send(client, business.id, token, '011 15 1234-5678')
    assert.deepEqual(
      fake.sent('/message/sendText').map((request) => request.body.number),
      ['5491112345678@s.whatsapp.net', '5491112345678@s.whatsapp.net']
    )
    await customerWrites(instance.instanceName, '5491112345678@s.whatsapp.net', 'AR-1')

    const { contacts, conversations, messages } = await storedFor(business.id)
    assert.lengthOf(contacts, 1)
    assert.lengthOf(conversations, 1)
    assert.lengthOf(messages, 3)
    assert.equal(contacts[0].phone, '5491112345678')
  })

  test('Brazil: a send with the ninth digit, then an old account writes without it', async ({
    client,
    assert,
  }) => {
    const { business, token, instance } = await connectedIn(client, 'BR')

    await send(client, business.id, token, '(11) 91234-5678')
    await customerWrites(instance.instanceName, '551112345678@s.whatsapp.net', 'BR-1')
    await send(client, business.id, token, '+55 11 91234-5678')

    const { contacts, conversations, messages } = await storedFor(business.id)
    assert.lengthOf(contacts, 1)
    assert.lengthOf(conversations, 1)
    assert.lengthOf(messages, 3)
    // Replies go where the customer wrote from; a typed number never moves them.
    assert.equal(contacts[0].waJid, '551112345678@s.whatsapp.net')
    assert.deepEqual(
      fake.sent('/message/sendText').map((request) => request.body.number),
      ['5511912345678@s.whatsapp.net', '551112345678@s.whatsapp.net']
    )
  })

  test('a number that cannot be a phone is refused in words naming the field', async ({
    client,
    assert,
  }) => {
    const { business, token } = await connectedBusiness(client, fake)

    const short = await client
      .post(`/wa/${business.id}/send`)
      .bearerToken(token)
      .json({ phone: '55 1234', message: 'Hola' })
    short.assertStatus(422)
    assert.deepEqual(short.body().errors, [
      {
        field: 'phone',
        message:
          'Teléfono: al número le faltan dígitos. Escríbelo completo, por ejemplo 222 123 4567 o +52 222 123 4567.',
      },
    ])

    const english = await client
      .post(`/wa/${business.id}/send`)
      .bearerToken(token)
      .header('Accept-Language', 'en')
      .json({ phone: '+999 1234 5678', message: 'Hola' })
    english.assertStatus(422)
    assert.equal(
      english.body().message,
      'Phone: we do not recognise the country code after the +. Check it, for example +52 222 123 4567.'
    )
    assert.lengthOf(fake.sent('/message/sendText'), 0)
    assert.lengthOf(await Contact.query().where('business_id', business.id), 0)
  })
})
