import { test } from '@japa/runner'
import type { ApiClient, ApiRequest } from '@japa/api-client'
import testUtils from '@adonisjs/core/services/test_utils'
import { DateTime } from 'luxon'
import Contact from '#models/contact'
import Conversation from '#models/conversation'
import Message from '#models/message'
import { connectedBusiness, fakeEvolutionFor } from '#tests/helpers/whatsapp'
import { createConversation } from '#tests/helpers/inbox'
import { inertiaVisit } from '#tests/helpers/inertia'

/**
 * Business B's owner tries every inbox route with business A's ids: each
 * answers 404 (as for an id that does not exist) and A's data stays as it
 * was, the gateway untouched.
 */
test.group('Inbox tenant isolation', (group) => {
  const fake = fakeEvolutionFor(group)
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  async function twoTenants(client: ApiClient) {
    const a = await connectedBusiness(client, fake, 'Tienda A')
    const b = await connectedBusiness(client, fake, 'Tienda B')
    const seeded = await createConversation(a.business, {
      name: 'Cliente de A',
      notes: 'Notas privadas de A',
      unreadCount: 3,
      needsHuman: true,
      handoffReason: 'Pidió una persona',
      botPausedUntil: DateTime.now().plus({ hours: 1 }),
      messages: [
        { body: 'Dato privado de A', gatewayMessageId: 'A-1' },
        {
          body: 'Falló',
          direction: 'outbound',
          author: 'human',
          status: 'failed',
          error: 'gateway_unavailable',
          mediaKey: `businesses/${'0'.repeat(8)}/messages/x.jpg`,
        },
      ],
    })
    fake.reset()
    return { a, b, ...seeded }
  }

  async function snapshot(conversationId: string, contactId: string) {
    const conversation = await Conversation.findOrFail(conversationId)
    const contact = await Contact.findOrFail(contactId)
    const messages = await Message.query()
      .where('conversation_id', conversationId)
      .orderBy('sent_at')
    return {
      conversation: conversation.serialize(),
      contact: contact.serialize(),
      messages: messages.map((message) => message.serialize()),
    }
  }

  test('API: every conversation route answers 404 for another tenant’s ids', async ({
    client,
    assert,
  }) => {
    const { a, b, conversation, contact } = await twoTenants(client)
    const before = await snapshot(conversation.id, contact.id)
    const id = conversation.id

    const attempts = [
      client.get('/conversations').qs({ business_id: a.business.id }),
      client.get(`/conversations/${id}`),
      client.get(`/conversations/${id}/messages`),
      client.put(`/conversations/${id}`).json({ botEnabled: true, status: 'resolved' }),
      client.post(`/conversations/${id}/messages`).json({ text: 'Hola desde B' }),
      client.post(`/conversations/${id}/read`),
    ]
    for (const attempt of attempts) {
      const response = await attempt.bearerToken(b.token)
      response.assertStatus(404)
      assert.notInclude(JSON.stringify(response.body()), 'privad')
    }

    assert.deepEqual(await snapshot(conversation.id, contact.id), before)
    assert.lengthOf(fake.requests, 0)

    const own = await client.get(`/conversations/${id}`).bearerToken(a.token)
    own.assertStatus(200)
  })

  test('web: the page and every inbox JSON route answer 404 for another tenant’s ids', async ({
    client,
    assert,
  }) => {
    const { b, conversation, contact, messages } = await twoTenants(client)
    const before = await snapshot(conversation.id, contact.id)
    const id = conversation.id
    const failed = messages[1].id

    const page = await inertiaVisit(client, `/inbox/${id}`, { user: b.user })
    page.assertStatus(404)

    const json = (request: ApiRequest) =>
      request.loginAs(b.user).withCsrfToken().header('accept', 'application/json')
    const attempts = [
      json(client.get(`/inbox/conversations/${id}`)),
      json(client.get(`/inbox/conversations/${id}/messages`)),
      json(client.put(`/inbox/conversations/${id}`).json({ botEnabled: true, status: 'resolved' })),
      json(client.post(`/inbox/conversations/${id}/read`)),
      json(client.post(`/inbox/conversations/${id}/messages`).json({ text: 'Hola desde B' })),
      json(client.post(`/inbox/conversations/${id}/messages/${failed}/retry`)),
      json(client.post(`/inbox/conversations/${id}/messages/${failed}/media/retry`)),
      json(client.get(`/inbox/conversations/${id}/messages/${failed}/media`).redirects(0)),
      json(client.put(`/inbox/contacts/${contact.id}`).json({ name: 'B', notes: 'B' })),
    ]
    for (const attempt of attempts) {
      const response = await attempt
      response.assertStatus(404)
      assert.notInclude(JSON.stringify(response.body()), 'privad')
    }

    const list = await json(client.get('/inbox/conversations'))
    list.assertStatus(200)
    assert.deepEqual(list.body().data, [])
    const searched = await json(client.get('/inbox/conversations').qs({ q: 'privado' }))
    assert.deepEqual(searched.body().data, [])
    const summary = await json(client.get('/inbox/summary'))
    assert.deepEqual(summary.body(), { unreadConversations: 0, unreadMessages: 0, needsHuman: 0 })

    assert.deepEqual(await snapshot(conversation.id, contact.id), before)
    assert.lengthOf(fake.requests, 0)
  })
})
