import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import testUtils from '@adonisjs/core/services/test_utils'
import pg from 'pg'
import { DateTime } from 'luxon'
import type Conversation from '#models/conversation'
import Message from '#models/message'
import SendWhatsappMessage, { STALE_CLAIM_SECONDS } from '#actions/whatsapp/send_whatsapp_message'
import { BusinessEvents, type BusinessEvent } from '#services/business_events'
import { FakeEvolution } from '#tests/helpers/fake_evolution'
import { connectedBusiness, fakeEvolutionFor } from '#tests/helpers/whatsapp'
import { createConversation } from '#tests/helpers/inbox'

/**
 * What the web app hears live, kept.
 */
class HeardEvents extends BusinessEvents {
  heard: BusinessEvent[] = []

  broadcast(_businessId: string, event: BusinessEvent) {
    this.heard.push(event)
  }

  /**
   * The ids of the messages announced as new in a conversation.
   */
  created(conversationId: string) {
    return this.heard.flatMap((event) =>
      event.type === 'message.created' && event.conversationId === conversationId
        ? [event.message.id]
        : []
    )
  }
}

/**
 * The gateway's report of a text sent from the business side, as the
 * contract describes it: send.message (the sendText answer's shape, a send
 * through the API) or a fromMe messages.upsert (typed on the phone).
 */
function ownSend(
  event: 'send.message' | 'messages.upsert',
  params: { id: string; to: string; text: string; at?: Date }
) {
  return {
    key: { remoteJid: params.to, fromMe: true, id: params.id },
    pushName: 'Você',
    status: event === 'send.message' ? 'PENDING' : 'SERVER_ACK',
    message: { conversation: params.text },
    messageType: 'conversation',
    messageTimestamp: Math.floor((params.at ?? new Date()).getTime() / 1000),
    instanceId: '00000000-0000-0000-0000-000000000001',
  }
}

async function outboundOf(conversation: Conversation) {
  return Message.query()
    .where('conversation_id', conversation.id)
    .where('direction', 'outbound')
    .orderBy('created_at')
}

test.group('Our own sends, as the gateway reports them', (group) => {
  const fake = fakeEvolutionFor(group)
  const events = new HeardEvents()
  group.setup(() => {
    app.container.swap(BusinessEvents, () => events)
    return () => app.container.restore(BusinessEvents)
  })
  group.each.setup(() => {
    events.heard = []
    return testUtils.db().withGlobalTransaction()
  })

  test('a send reported by {report} {when} ({author}) is one message, one live event, no takeover')
    .with([
      { report: 'send.message', when: 'before its answer', author: 'bot' },
      { report: 'messages.upsert', when: 'before its answer', author: 'bot' },
      { report: 'send.message', when: 'after its answer', author: 'human' },
    ] as const)
    .run(async ({ client, assert }, { report, when, author }) => {
      const { business, instance } = await connectedBusiness(client, fake)
      const { conversation, contact } = await createConversation(business, {
        messages: [{ body: '¿Tienen tenis rojos?' }],
      })
      const text = 'Sí, los tenemos en talla 26.'
      const reports: { id: string; status: number }[] = []
      const deliverReport = async (id: string) => {
        const answer = await fake.deliver(
          instance.instanceName,
          report,
          ownSend(report, { id, to: contact.waJid, text })
        )
        reports.push({ id, status: answer.status })
      }
      if (when === 'before its answer') {
        fake.beforeAnswer = async (request) => {
          if (request.path.startsWith('/message/sendText')) await deliverReport(fake.nextSentId)
        }
      }

      const sender = await app.container.make(SendWhatsappMessage)
      const sent = await sender.handle({ business, conversation, text, author })
      if (when === 'after its answer') await deliverReport(sent.gatewayMessageId!)

      assert.lengthOf(fake.sent('/message/sendText'), 1)
      assert.lengthOf(reports, 1)
      const [{ id: gatewayId, status }] = reports
      assert.equal(status, 200)
      assert.containSubset(sent.serialize(), { status: 'sent', gatewayMessageId: gatewayId })

      const stored = await outboundOf(conversation)
      assert.lengthOf(stored, 1)
      assert.containSubset(stored[0].serialize(), {
        id: sent.id,
        author,
        body: text,
        status: 'sent',
        gatewayMessageId: gatewayId,
      })
      assert.deepEqual(events.created(conversation.id), [sent.id])

      await conversation.refresh()
      assert.equal(conversation.lastMessagePreview, text)
      if (author === 'bot') {
        assert.isNull(conversation.botPausedUntil, 'our own echo is not a person taking over')
      }
    })

  test('a message claimed for sending is never sent again: the gateway’s report settles it; a stuck claim is failed for a person', async ({
    client,
    assert,
  }) => {
    const { business, instance } = await connectedBusiness(client, fake)
    const { conversation, contact } = await createConversation(business, {
      messages: [{ body: '¿Cuándo llega?' }],
    })
    /**
     * A worker claimed it and sent it, then died (or failed to record the
     * answer): the message is still pending, with no gateway id.
     */
    const claimed = await Message.create({
      businessId: business.id,
      conversationId: conversation.id,
      direction: 'outbound',
      author: 'bot',
      type: 'text',
      body: 'Llega mañana antes de las 2.',
      status: 'pending',
      sentAt: DateTime.now(),
      sendingAt: DateTime.now(),
    })
    const sender = await app.container.make(SendWhatsappMessage)

    // The retried job delivers it again: nothing goes to the gateway.
    const retried = await sender.deliver(instance, claimed)
    assert.lengthOf(fake.sent('/message/'), 0)
    assert.equal(retried.status, 'pending')

    const answer = await fake.deliver(
      instance.instanceName,
      'send.message',
      ownSend('send.message', { id: '3EB0LATE0001', to: contact.waJid, text: claimed.body! })
    )
    assert.equal(answer.status, 200)
    const settled = await outboundOf(conversation)
    assert.lengthOf(settled, 1)
    assert.containSubset(settled[0].serialize(), {
      id: claimed.id,
      author: 'bot',
      status: 'sent',
      gatewayMessageId: '3EB0LATE0001',
    })

    // A claim older than any send takes, never reported: failed, not sent.
    const stuck = await Message.create({
      businessId: business.id,
      conversationId: conversation.id,
      direction: 'outbound',
      author: 'bot',
      type: 'text',
      body: '¿Algo más?',
      status: 'pending',
      sentAt: DateTime.now(),
      sendingAt: DateTime.now().minus({ seconds: STALE_CLAIM_SECONDS * 2 }),
    })
    const answered = await sender.deliver(instance, stuck)
    assert.lengthOf(fake.sent('/message/'), 0)
    assert.containSubset(answered.serialize(), { status: 'failed', error: 'gateway_unavailable' })
  })

  test('a delivery the gateway retried late never moves the conversation’s latest message back', async ({
    client,
    assert,
  }) => {
    const { business, instance } = await connectedBusiness(client, fake)
    const { conversation, contact } = await createConversation(business, {
      pushName: 'Giovanna',
      messages: [{ body: 'Hola' }],
    })
    const now = new Date()
    const earlier = new Date(now.getTime() - 10 * 60_000)
    const customer = (id: string, text: string, at: Date) => ({
      ...FakeEvolution.textMessage({ id, from: contact.waJid, text, pushName: 'Giovanna' }),
      messageTimestamp: Math.floor(at.getTime() / 1000),
    })

    await fake.deliver(
      instance.instanceName,
      'messages.upsert',
      customer('NEW-1', '¿Y en azul?', now)
    )
    // The customer's earlier message (the one-statement path) and another
    // API client's earlier send (the general path) arrive late.
    await fake.deliver(instance.instanceName, 'messages.upsert', customer('OLD-1', 'Oye', earlier))
    await fake.deliver(
      instance.instanceName,
      'send.message',
      ownSend('send.message', { id: 'OLD-2', to: contact.waJid, text: 'Te escribo', at: earlier })
    )

    await conversation.refresh()
    assert.equal(conversation.lastMessageAt?.toSeconds(), Math.floor(now.getTime() / 1000))
    assert.equal(conversation.lastMessagePreview, '¿Y en azul?')
    assert.equal(conversation.lastMessageDirection, 'inbound')
    assert.equal(conversation.unreadCount, 2)
    assert.lengthOf(await Message.query().where('conversation_id', conversation.id), 4)
  })
})

test.group('Webhooks during a migration that adds a column', (group) => {
  const fake = fakeEvolutionFor(group)

  test('deliveries keep being answered and stored once while messages gains a column', async ({
    client,
    assert,
    cleanup,
  }) => {
    const { business, user, instance } = await connectedBusiness(client, fake)
    const migration = new pg.Client({ connectionString: process.env.DATABASE_URL })
    await migration.connect()
    cleanup(async () => {
      await migration.query('ALTER TABLE messages DROP COLUMN IF EXISTS atiende_probe')
      await migration.end()
      await business.delete()
      await user.delete()
    })

    /**
     * Customers writing (after the first, each message takes the
     * one-statement path: a named prepared statement on every pooled
     * connection), a few at once; the column is added halfway.
     */
    const senders = Array.from({ length: 4 }, (_, index) => `52155100000${index}@s.whatsapp.net`)
    const deliveries = (round: number) =>
      Promise.all(
        senders.map((from, index) =>
          fake.deliver(
            instance.instanceName,
            'messages.upsert',
            FakeEvolution.textMessage({
              id: `MIGRATE-${index}-${round}`,
              from,
              text: `Mensaje ${round}`,
              pushName: `Cliente ${index}`,
            })
          )
        )
      )
    const rounds = 12
    const statuses: number[] = []
    for (let round = 0; round < rounds; round++) {
      const migrating =
        round === rounds / 2
          ? migration.query('ALTER TABLE messages ADD COLUMN atiende_probe text')
          : null
      const [answers] = await Promise.all([deliveries(round), migrating])
      statuses.push(...answers.map((answer) => answer.status))
    }

    assert.deepEqual(
      statuses.filter((status) => status !== 200),
      []
    )
    const stored = await Message.query()
      .where('business_id', business.id)
      .select('gateway_message_id')
    assert.lengthOf(stored, senders.length * rounds)
    assert.lengthOf(new Set(stored.map((message) => message.gatewayMessageId)), stored.length)
  })
})
