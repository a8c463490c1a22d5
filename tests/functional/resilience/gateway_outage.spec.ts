import { test } from '@japa/runner'
import { setTimeout as sleep } from 'node:timers/promises'
import Conversation from '#models/conversation'
import Message from '#models/message'
import db from '@adonisjs/lucid/services/db'
import DeliverQueuedMessages from '#actions/whatsapp/deliver_queued_messages'
import app from '@adonisjs/core/services/app'
import { FakeEvolution } from '#tests/helpers/fake_evolution'
import { connectedBusiness } from '#tests/helpers/whatsapp'
import { agentHarness, eventually, readyForAgent } from '#tests/helpers/agent'

const CUSTOMER = '5215587654321'

/**
 * The WhatsApp gateway goes down for a while: what the bot and the team
 * write meanwhile waits in the outbound queue and goes out once it is
 * back — once each, in the order it was written.
 */
test.group('Outbound messages while the WhatsApp gateway is down', (group) => {
  const harness = agentHarness()
  group.setup(async () => {
    await harness.setup()
    return () => harness.teardown()
  })
  group.each.setup(() => harness.reset())
  const { gateway, openai } = harness

  const customerSays = (instanceName: string, text: string, id: string) =>
    gateway.deliver(
      instanceName,
      'messages.upsert',
      FakeEvolution.textMessage({ id, from: `${CUSTOMER}@s.whatsapp.net`, text })
    )
  const sentTexts = () =>
    gateway.sent('/message/sendText').map((request) => request.body.text as string)

  test('queued replies go out once, in order, when the gateway is back', async ({
    client,
    assert,
  }) => {
    const { business, instance, token } = await connectedBusiness(client, gateway)
    await readyForAgent(business)
    openai.script({ content: 'Sí, enviamos a todo México.' })

    await gateway.down()
    await customerSays(instance.instanceName, '¿Hacen envíos?', 'OUTAGE-1')
    const bot = await eventually(() =>
      Message.query().where('business_id', business.id).where('author', 'bot').first()
    )
    await eventually(async () => {
      await bot.refresh()
      return bot.status === 'queued'
    })
    const conversation = await Conversation.findOrFail(bot.conversationId)

    const reply = (text: string) =>
      client.post(`/conversations/${conversation.id}/messages`).bearerToken(token).json({ text })
    const first = await reply('Y el envío es gratis desde $999.')
    first.assertStatus(201)
    assert.containSubset(first.body(), { status: 'queued', error: null })
    const second = await reply('¿Le ayudo con algo más?')
    assert.containSubset(second.body(), { status: 'queued' })

    await gateway.start()
    /**
     * Written with the gateway back but the queue not yet through: it
     * waits its turn instead of overtaking.
     */
    const third = await reply('Quedo atento.')
    assert.containSubset(third.body(), { status: 'queued' })

    const expected = [
      'Sí, enviamos a todo México.',
      'Y el envío es gratis desde $999.',
      '¿Le ayudo con algo más?',
      'Quedo atento.',
    ]
    await eventually(async () => sentTexts().length >= expected.length, 20_000)
    await sleep(1_000)
    assert.deepEqual(sentTexts(), expected)

    const messages = await Message.query()
      .where('conversation_id', conversation.id)
      .where('direction', 'outbound')
      .orderBy('sent_at')
    assert.deepEqual(
      messages.map((message) => [message.body, message.status]),
      expected.map((text) => [text, 'sent'])
    )
    assert.isTrue(messages.every((message) => message.gatewayMessageId))
  }).timeout(40_000)

  test('while WhatsApp reconnects ("Connection Closed"), a person’s message and the bot’s reply wait and go out once it is back', async ({
    client,
    assert,
  }) => {
    const { business, instance, token } = await connectedBusiness(client, gateway)
    await readyForAgent(business)
    openai.script({ content: 'Sí, tenemos envíos a todo México.' })

    /**
     * The phone's connection drops: the gateway says so, and every send
     * meanwhile answers 400 "Error: Connection Closed".
     */
    gateway.dropConnection()
    await gateway.deliver(instance.instanceName, 'connection.update', {
      instance: instance.instanceName,
      state: 'connecting',
      statusReason: 200,
    })

    const manual = await client
      .post(`/wa/${business.id}/send`)
      .bearerToken(token)
      .json({ phone: '5215511112222', message: 'Su pedido salió hoy' })
    manual.assertStatus(201)
    assert.containSubset(manual.body(), { status: 'queued', error: null })

    await customerSays(instance.instanceName, '¿Hacen envíos?', 'RECONNECT-1')
    const bot = await eventually(() =>
      Message.query().where('business_id', business.id).where('author', 'bot').first()
    )
    await eventually(async () => {
      await bot.refresh()
      return bot.status === 'queued'
    })
    assert.isAtLeast(gateway.sent('/message/sendText').length, 2, 'both were tried')

    gateway.reopenConnection()
    const reopenedAt = gateway.requests.length
    await gateway.deliver(instance.instanceName, 'connection.update', {
      instance: instance.instanceName,
      wuid: '5215599990000@s.whatsapp.net',
      state: 'open',
      statusReason: 200,
    })

    const ids = [manual.body().id, bot.id]
    const delivered = await eventually(async () => {
      const messages = await Message.query().whereIn('id', ids)
      return messages.every((message) => message.status === 'sent') && messages
    }, 30_000)
    assert.isTrue(delivered.every((message) => message.gatewayMessageId && !message.error))
    await sleep(1_000)
    assert.sameMembers(
      gateway.requests
        .slice(reopenedAt)
        .filter((request) => request.path.startsWith('/message/sendText'))
        .map((request) => request.body.text),
      ['Su pedido salió hoy', 'Sí, tenemos envíos a todo México.'],
      'each went out once the connection was back, and only once'
    )
  }).timeout(50_000)

  test('a gateway down for good: after the last attempt the messages are marked failed', async ({
    client,
    assert,
  }) => {
    const { business, token } = await connectedBusiness(client, gateway)
    await gateway.down()
    const sent = await client
      .post(`/wa/${business.id}/send`)
      .bearerToken(token)
      .json({ phone: CUSTOMER, message: 'Su pedido salió hoy' })
    assert.containSubset(sent.body(), { status: 'queued' })

    const deliver = await app.container.make(DeliverQueuedMessages)
    await assert.rejects(() => deliver.handle(sent.body().conversationId, { lastAttempt: false }))
    const waiting = await Message.findOrFail(sent.body().id)
    assert.equal(waiting.status, 'queued')

    await deliver.handle(sent.body().conversationId, { lastAttempt: true })
    const failed = await Message.findOrFail(sent.body().id)
    assert.equal(failed.status, 'failed')
    assert.equal(failed.error, 'gateway_unavailable')
    await gateway.start()
  })

  test('a send the gateway may have made (it timed out) is never repeated on its own', async ({
    client,
    assert,
  }) => {
    const { business, token } = await connectedBusiness(client, gateway)
    gateway.stallNext(3_000)
    const sent = await client
      .post(`/wa/${business.id}/send`)
      .bearerToken(token)
      .json({ phone: CUSTOMER, message: 'Hola' })
    sent.assertStatus(201)
    assert.containSubset(sent.body(), { status: 'failed', error: 'gateway_unavailable' })
    await sleep(6_000)
    assert.lengthOf(gateway.sent('/message/sendText'), 1, 'no automatic second send')
  }).timeout(20_000)

  test('a message queued with only a link to its file is marked not sent on upgrade, never sent bare', async ({
    client,
    assert,
  }) => {
    const { business, user, token } = await connectedBusiness(client, gateway)
    await gateway.down()
    const queued = await client
      .post(`/wa/${business.id}/send`)
      .bearerToken(token)
      .json({ phone: '5215511112222', message: 'Le mando la foto del modelo' })
    assert.containSubset(queued.body(), { status: 'queued' })
    // What an earlier version kept of a file sent by mediaUrl: the link.
    await db
      .from('messages')
      .where('id', queued.body().id)
      .update({ meta: JSON.stringify({ mediaUrl: 'https://tienda.example/modelo.jpg' }) })

    const { default: RetireQueuedMediaLinks } =
      await import('#database/migrations/1700000001000_retire_queued_media_links')
    await new RetireQueuedMediaLinks(db.connection(), 'retire', false).execUp()

    const message = await Message.findOrFail(queued.body().id)
    assert.deepEqual([message.status, message.error], ['failed', 'media_link_retired'])
    await gateway.start()
    const retried = await client
      .post(`/inbox/conversations/${message.conversationId}/messages/${message.id}/retry`)
      .loginAs(user)
      .withCsrfToken()
      .header('accept', 'application/json')
    retried.assertStatus(409)
    assert.lengthOf(gateway.sent('/message/sendText'), 0)
  }).timeout(20_000)
})
