import { test } from '@japa/runner'
import { setTimeout as sleep } from 'node:timers/promises'
import AgentRun from '#models/agent_run'
import Business from '#models/business'
import Conversation from '#models/conversation'
import Message from '#models/message'
import { FakeEvolution, PIXEL_JPEG } from '#tests/helpers/fake_evolution'
import { connectedBusiness } from '#tests/helpers/whatsapp'
import { edited, revoked, shapes, upsert } from '#tests/fixtures/evolution_deliveries'
import {
  addProduct,
  agentHarness,
  eventually,
  readyForAgent,
  toolResults,
} from '#tests/helpers/agent'

const CUSTOMER = '5215512345678@s.whatsapp.net'

test.group('Agent pipeline: webhook → think → reply', (group) => {
  const harness = agentHarness()
  group.setup(async () => {
    await harness.setup()
    return () => harness.teardown()
  })
  group.each.setup(() => harness.reset())

  const { openai, gateway } = harness
  let sequence = 0
  const customerSays = (instanceName: string, text: string, id = `CUST-${++sequence}`) =>
    gateway.deliver(
      instanceName,
      'messages.upsert',
      FakeEvolution.textMessage({ id, from: CUSTOMER, text })
    )
  const botTexts = () =>
    gateway.sent('/message/sendText').map((request) => request.body.text as string)

  test('a customer’s question is answered once, from the real catalog', async ({
    client,
    assert,
  }) => {
    const { business, instance } = await connectedBusiness(client, gateway, 'Zapatería Rosa')
    await readyForAgent(business)
    await addProduct(business, { title: 'Tenis Rojo Runner', price: '899.00', stock: 3 })
    await addProduct(business, { title: 'Bolsa de piel', price: '1299.50', stock: 1 })

    openai.script(
      { toolCalls: [{ name: 'search_products', arguments: { query: 'tenis rojos' } }] },
      (request) => {
        const [result] = toolResults(request)
        const product = result.results[0]
        return {
          content: `¡Sí! Tenemos ${product.title} a ${product.price_text}. Quedan ${product.stock}.`,
        }
      }
    )

    const delivery = await customerSays(instance.instanceName, 'Hola, ¿tienen tenis rojos?')
    assert.equal(delivery.status, 200)

    await eventually(async () => botTexts().length > 0)
    await sleep(300)
    assert.deepEqual(botTexts(), ['¡Sí! Tenemos Tenis Rojo Runner a $899.00. Quedan 3.'])

    const [first] = openai.chatRequests()
    assert.equal(first.model, 'gpt-4.1-mini')
    assert.deepEqual(
      first.tools!.map((tool) => tool.function.name),
      ['search_products', 'get_product', 'send_product_image', 'handoff_to_human']
    )
    const system = String(first.messages[0].content)
    assert.include(system, 'Zapatería Rosa')
    assert.include(system, 'Nunca inventes productos')
    assert.notInclude(
      system,
      'Tenis Rojo Runner',
      'the catalog is reached through tools, not pasted'
    )
    assert.equal(first.messages.at(-1)!.content, 'Hola, ¿tienen tenis rojos?')

    const run = await AgentRun.findByOrFail('business_id', business.id)
    assert.equal(run.outcome, 'replied')
    assert.equal(run.modelCalls, 2)
    assert.isAbove(run.promptTokens, 0)
    assert.isAbove(Number(run.costUsd), 0)
    assert.equal(run.toolCalls[0].name, 'search_products')

    const replies = await Message.query().where('business_id', business.id).where('author', 'bot')
    assert.lengthOf(replies, 1)
    assert.equal(replies[0].status, 'sent')
    assert.equal(replies[0].agentRunId, run.id)
  })

  test('a delivery the gateway repeats gets one reply', async ({ client, assert }) => {
    const { business, instance } = await connectedBusiness(client, gateway)
    await readyForAgent(business)

    await Promise.all([
      customerSays(instance.instanceName, 'Hola', 'SAME-ID'),
      customerSays(instance.instanceName, 'Hola', 'SAME-ID'),
      customerSays(instance.instanceName, 'Hola', 'SAME-ID'),
    ])
    await eventually(async () => botTexts().length > 0)
    await sleep(800)

    assert.lengthOf(botTexts(), 1)
    assert.lengthOf(openai.chatRequests(), 1)
  })

  test('a burst of messages is answered once, after the conversation goes quiet', async ({
    client,
    assert,
  }) => {
    const { business, instance } = await connectedBusiness(client, gateway)
    await readyForAgent(business, 1)

    await customerSays(instance.instanceName, 'Hola')
    await sleep(300)
    await customerSays(instance.instanceName, '¿tienen envío')
    await sleep(300)
    await customerSays(instance.instanceName, 'a Monterrey?')

    await eventually(async () => botTexts().length > 0)
    await sleep(1500)
    assert.lengthOf(botTexts(), 1)
    const requests = openai.chatRequests()
    assert.lengthOf(requests, 1)
    const userTexts = requests[0].messages.filter((m) => m.role === 'user').map((m) => m.content)
    assert.deepEqual(userTexts, ['Hola', '¿tienen envío', 'a Monterrey?'])
  })

  test('the model reads edits and quotes, never a deleted message; a reaction starts no turn', async ({
    client,
    assert,
  }) => {
    const { business, instance } = await connectedBusiness(client, gateway)
    await readyForAgent(business, 1)
    openai.script({ content: '¡Claro! Tenemos 3 pares en talla 27.' })
    const deliver = (event: string, data: unknown) =>
      gateway.deliver(instance.instanceName, event, data)

    await deliver('messages.upsert', upsert('AG-1', { conversation: 'Quiero 2 pares' }))
    await deliver('messages.edited', edited('AG-1', 'Quiero 3 pares'))
    await deliver('messages.upsert', upsert('AG-2', { conversation: 'Mi tarjeta 4111 1111' }))
    await deliver('messages.edited', revoked('AG-2'))
    await deliver(
      'messages.upsert',
      shapes.reply('AG-3', '¿en talla 27?', { id: 'AG-1', text: 'Quiero 3 pares' })
    )

    await eventually(async () => botTexts().length > 0)
    const [request] = openai.chatRequests()
    const userTexts = request.messages.filter((m) => m.role === 'user').map((m) => m.content)
    assert.deepEqual(userTexts, [
      'Quiero 3 pares',
      '(en respuesta a: «Quiero 3 pares») ¿en talla 27?',
    ])

    const reply = await eventually(() =>
      Message.query()
        .where('business_id', business.id)
        .where('author', 'bot')
        .whereNotNull('gateway_message_id')
        .first()
    )
    await deliver('messages.upsert', shapes.reaction('AG-4', reply.gatewayMessageId!, '👍'))
    await sleep(1800)
    assert.lengthOf(openai.chatRequests(), 1, 'a reaction is not a customer turn')
    assert.lengthOf(botTexts(), 1)
  })

  test('a photo the gateway did not inline is fetched by a worker and shown', async ({
    client,
    assert,
  }) => {
    const { business, instance } = await connectedBusiness(client, gateway)
    business.botEnabled = false
    await business.save()
    await gateway.deliver(
      instance.instanceName,
      'messages.upsert',
      shapes.viewOnceImage('WK-1', '¿Tienen este?')
    )
    const message = await eventually(async () => {
      const found = await Message.query()
        .where('business_id', business.id)
        .where('gateway_message_id', 'WK-1')
        .first()
      return found?.mediaStatus === 'ready' ? found : null
    })
    assert.isNotNull(message.mediaKey)
    assert.lengthOf(gateway.sent('/chat/getBase64FromMediaMessage'), 1)
  })

  test('after a person replies from Atiende, the bot stays quiet', async ({ client, assert }) => {
    const { business, instance, token } = await connectedBusiness(client, gateway)
    await readyForAgent(business)

    await client
      .post(`/wa/${business.id}/send`)
      .bearerToken(token)
      .json({ phone: '5215512345678', message: 'Te atiendo yo' })
    await customerSays(instance.instanceName, 'Gracias, ¿y el precio?')

    const run = await eventually(() => AgentRun.findBy('business_id', business.id))
    assert.equal(run.outcome, 'skipped')
    assert.equal(run.reason, 'human_takeover')
    assert.deepEqual(botTexts(), ['Te atiendo yo'])
    assert.lengthOf(openai.chatRequests(), 0)
  })

  test('after the owner writes from the phone, the bot stays quiet until handed back', async ({
    client,
    assert,
  }) => {
    const { business, instance } = await connectedBusiness(client, gateway)
    await readyForAgent(business)

    await gateway.deliver(
      instance.instanceName,
      'messages.upsert',
      FakeEvolution.textMessage({
        id: 'PHONE-1',
        from: CUSTOMER,
        text: 'Hola, soy Rosa',
        fromMe: true,
      })
    )
    await customerSays(instance.instanceName, '¡Hola Rosa!')
    await eventually(() => AgentRun.findBy('business_id', business.id))
    assert.lengthOf(openai.chatRequests(), 0)

    const conversation = await Conversation.findByOrFail('business_id', business.id)
    const { default: BotControl } = await import('#actions/conversations/bot_control')
    const { default: app } = await import('@adonisjs/core/services/app')
    const botControl = await app.container.make(BotControl)
    await botControl.handBack(conversation)

    await customerSays(instance.instanceName, '¿Siguen ahí?')
    await eventually(async () => botTexts().length > 0)
    assert.lengthOf(openai.chatRequests(), 1)
  })

  test('the owner writing from the phone after the first part of a reply stops the rest', async ({
    client,
    assert,
  }) => {
    const { business, instance } = await connectedBusiness(client, gateway)
    await readyForAgent(business)
    openai.script({
      content: '¡Hola! Sí tenemos envíos.\n\nA Monterrey tarda 2 días.\n\nEl costo es $99.',
    })
    /**
     * While the gateway sends the first part, the owner types on the phone.
     */
    let typed = false
    gateway.beforeAnswer = async (request) => {
      if (typed || !request.path.startsWith('/message/sendText')) return
      typed = true
      await gateway.deliver(
        instance.instanceName,
        'messages.upsert',
        FakeEvolution.textMessage({
          id: 'OWNER-PHONE-1',
          from: CUSTOMER,
          text: 'Hola, te atiendo yo',
          fromMe: true,
        })
      )
    }

    await customerSays(instance.instanceName, '¿Envían a Monterrey?')
    const run = await eventually(async () => {
      const found = await AgentRun.findBy('business_id', business.id)
      return found && !['running', 'replying'].includes(found.outcome) ? found : null
    })
    await sleep(300)
    assert.deepEqual(botTexts(), ['¡Hola! Sí tenemos envíos.'])
    assert.equal(run.outcome, 'replied')
    assert.equal(run.reason, 'human_took_over')
    assert.deepEqual(run.heldBack, [
      { type: 'text', body: 'A Monterrey tarda 2 días.' },
      { type: 'text', body: 'El costo es $99.' },
    ])

    const conversation = await Conversation.findByOrFail('business_id', business.id)
    const bot = await Message.query()
      .where('conversation_id', conversation.id)
      .where('author', 'bot')
    assert.deepEqual(
      bot.map((message) => message.body),
      ['¡Hola! Sí tenemos envíos.'],
      'the inbox shows only what was sent'
    )
    /**
     * The preview shows the latest message that exists (the owner's or the
     * part sent, by their timestamps: WhatsApp's are whole seconds), never
     * a part held back.
     */
    assert.oneOf(conversation.lastMessagePreview, [
      'Hola, te atiendo yo',
      '¡Hola! Sí tenemos envíos.',
    ])
  })

  test('a person taking over while the model thinks discards the reply', async ({
    client,
    assert,
  }) => {
    const { business, instance } = await connectedBusiness(client, gateway)
    await readyForAgent(business)
    openai.script({ content: 'Respuesta tardía', delayMs: 700 })

    await customerSays(instance.instanceName, 'Hola')
    await eventually(async () => openai.chatRequests().length > 0)
    await gateway.deliver(
      instance.instanceName,
      'messages.upsert',
      FakeEvolution.textMessage({
        id: 'PHONE-2',
        from: CUSTOMER,
        text: 'Yo te atiendo',
        fromMe: true,
      })
    )

    const run = await eventually(async () => {
      const found = await AgentRun.findBy('business_id', business.id)
      return found && found.outcome !== 'running' ? found : null
    })
    assert.equal(run.outcome, 'discarded')
    assert.equal(run.reason, 'human_took_over')
    await sleep(200)
    assert.deepEqual(botTexts(), [])
  })

  test('with the bot off, nothing is asked of the model', async ({ client, assert }) => {
    const { business, instance } = await connectedBusiness(client, gateway)
    await readyForAgent(business)
    business.botEnabled = false
    await business.save()

    await customerSays(instance.instanceName, 'Hola')
    await sleep(1200)
    assert.lengthOf(openai.chatRequests(), 0)
    assert.deepEqual(botTexts(), [])
  })

  test('a rejected key flags the business and hands the conversation to a person, silently', async ({
    client,
    assert,
  }) => {
    const { business, instance } = await connectedBusiness(client, gateway)
    await readyForAgent(business)
    openai.acceptedKeys.clear()

    await customerSays(instance.instanceName, 'Hola')
    const run = await eventually(async () => {
      const found = await AgentRun.findBy('business_id', business.id)
      return found && found.outcome !== 'running' ? found : null
    })
    assert.equal(run.outcome, 'failed')
    assert.equal(run.reason, 'api_key_rejected')
    assert.lengthOf(openai.chatRequests(), 1, 'a rejected key is not retried')

    await business.refresh()
    assert.equal(business.botBlockedReason, 'api_key_rejected')
    const conversation = await Conversation.findByOrFail('business_id', business.id)
    assert.isTrue(conversation.needsHuman)
    assert.deepEqual(botTexts(), [], 'nothing technical reaches the customer')
  })

  test('429s are retried and the customer still gets one reply', async ({ client, assert }) => {
    const { business, instance } = await connectedBusiness(client, gateway)
    await readyForAgent(business)
    openai.script({ status: 429 }, { status: 429 }, { content: 'Ya quedó' })

    await customerSays(instance.instanceName, 'Hola')
    await eventually(async () => botTexts().length > 0)
    assert.deepEqual(botTexts(), ['Ya quedó'])
    assert.lengthOf(openai.chatRequests(), 3)
  })

  test('a provider that keeps failing or timing out ends in "needs a human", bounded', async ({
    client,
    assert,
  }) => {
    const { business, instance } = await connectedBusiness(client, gateway)
    await readyForAgent(business)
    openai.script({ status: 500 }, { status: 503 }, { delayMs: 1500, content: 'tarde' })

    await customerSays(instance.instanceName, 'Hola')
    const run = await eventually(async () => {
      const found = await AgentRun.findBy('business_id', business.id)
      return found && found.outcome !== 'running' ? found : null
    }, 20_000)
    assert.equal(run.outcome, 'failed')
    assert.equal(run.reason, 'model_unavailable')
    assert.lengthOf(openai.chatRequests(), 5, 'one call and four retries')
    const conversation = await Conversation.findByOrFail('business_id', business.id)
    assert.isTrue(conversation.needsHuman)
    assert.deepEqual(botTexts(), [])
  })

  test('reaching the monthly budget stops the bot and tells the owner', async ({
    client,
    assert,
  }) => {
    const { business, instance } = await connectedBusiness(client, gateway)
    await readyForAgent(business)
    business.monthlyBudgetUsd = '0.01'
    await business.save()
    await AgentRun.create({
      businessId: business.id,
      source: 'whatsapp',
      model: 'gpt-4.1-mini',
      outcome: 'replied',
      costUsd: '0.010000',
      toolCalls: [],
      triggerMessageIds: [],
    })

    await customerSays(instance.instanceName, 'Hola')
    const run = await eventually(() =>
      AgentRun.query().where('business_id', business.id).where('outcome', 'skipped').first()
    )
    assert.equal(run.reason, 'budget_reached')
    assert.lengthOf(openai.chatRequests(), 0)
    const reloaded = await Business.findOrFail(business.id)
    assert.equal(reloaded.botBlockedReason, 'budget_reached')
  })

  test('the agent sends a product photo through the gateway, logged as the bot', async ({
    client,
    assert,
  }) => {
    const { business, instance } = await connectedBusiness(client, gateway)
    await readyForAgent(business)
    const product = await addProduct(business, { title: 'Tenis Azul', price: '799.00', stock: 2 })
    const { default: app } = await import('@adonisjs/core/services/app')
    const { default: MediaStorage } = await import('#services/media_storage')
    const storage = await app.container.make(MediaStorage)
    product.imageKey = await storage.storeImage(Buffer.from(PIXEL_JPEG, 'base64'), {
      businessId: business.id,
      folder: 'products',
    })
    await product.save()

    openai.script(
      {
        toolCalls: [
          {
            name: 'send_product_image',
            arguments: { product_id: product.id, caption: 'Tenis Azul' },
          },
        ],
      },
      (request) => ({
        content: toolResults(request)[0].sent ? 'Te mandé la foto 📸' : 'No pude mandar la foto',
      })
    )

    await customerSays(instance.instanceName, '¿Me mandas foto de los tenis azules?')
    await eventually(async () => botTexts().length > 0)

    const [media] = gateway.sent('/message/sendMedia')
    assert.containSubset(media.body, {
      number: CUSTOMER,
      mediatype: 'image',
      mimetype: 'image/jpeg',
      caption: 'Tenis Azul',
    })
    assert.match(media.body.media, /^https?:\/\/.+\/uploads\/businesses\//)
    const photo = await fetch(
      media.body.media.replace(
        /^https?:\/\/[^/]+/,
        `http://${process.env.HOST}:${process.env.PORT}`
      )
    )
    assert.equal(photo.status, 200)
    assert.deepEqual(botTexts(), ['Te mandé la foto 📸'])

    const logged = await Message.query()
      .where('business_id', business.id)
      .where('author', 'bot')
      .orderBy('created_at')
    assert.deepEqual(
      logged.map((message) => message.type),
      ['image', 'text']
    )
    /**
     * The message keeps its own copy of the photo (the inbox shows it even
     * if the product changes or goes).
     */
    assert.match(logged[0].mediaKey!, new RegExp(`^businesses/${business.id}/messages/`))
    assert.deepEqual(await storage.read(logged[0].mediaKey!), await storage.read(product.imageKey))
  })

  test('a reply stored before a crash is sent by the retried job, without asking the model again', async ({
    client,
    assert,
  }) => {
    const { business, instance } = await connectedBusiness(client, gateway)
    await readyForAgent(business)
    business.botEnabled = false
    await business.save()
    await customerSays(instance.instanceName, 'Hola, ¿abren hoy?')
    const conversation = await eventually(() => Conversation.findBy('business_id', business.id))

    // The state a worker leaves when it dies between storing and sending.
    const customer = await Message.query().where('conversation_id', conversation.id).firstOrFail()
    customer.agentHandledAt = customer.createdAt
    await customer.save()
    const run = await AgentRun.create({
      businessId: business.id,
      conversationId: conversation.id,
      source: 'whatsapp',
      model: 'gpt-4.1-mini',
      outcome: 'replying',
      reply: 'Sí, abrimos de 10 a 19 h.',
      toolCalls: [],
      triggerMessageIds: [customer.id],
    })
    await Message.create({
      businessId: business.id,
      conversationId: conversation.id,
      direction: 'outbound',
      author: 'bot',
      type: 'text',
      body: 'Sí, abrimos de 10 a 19 h.',
      status: 'pending',
      agentRunId: run.id,
      sentAt: customer.sentAt,
    })
    business.botEnabled = true
    await business.save()

    const { default: app } = await import('@adonisjs/core/services/app')
    const { JobQueue } = await import('#services/queue/job_queue')
    const queue = await app.container.make(JobQueue)
    await queue.scheduleReply(conversation.id, 0)

    await eventually(async () => botTexts().length > 0)
    await sleep(300)
    assert.deepEqual(botTexts(), ['Sí, abrimos de 10 a 19 h.'])
    assert.lengthOf(openai.chatRequests(), 0)
    await run.refresh()
    assert.equal(run.outcome, 'replied')
  })

  test('a recovered reply is not sent once the owner has written from the phone', async ({
    client,
    assert,
  }) => {
    const { business, instance } = await connectedBusiness(client, gateway)
    await readyForAgent(business)
    business.botEnabled = false
    await business.save()
    await customerSays(instance.instanceName, 'Hola, ¿abren hoy?')
    const conversation = await eventually(() => Conversation.findBy('business_id', business.id))

    // A worker died between storing the reply and sending it …
    const customer = await Message.query().where('conversation_id', conversation.id).firstOrFail()
    customer.agentHandledAt = customer.createdAt
    await customer.save()
    const run = await AgentRun.create({
      businessId: business.id,
      conversationId: conversation.id,
      source: 'whatsapp',
      model: 'gpt-4.1-mini',
      outcome: 'replying',
      reply: 'Sí, abrimos de 10 a 19 h.',
      toolCalls: [],
      triggerMessageIds: [customer.id],
    })
    await Message.create({
      businessId: business.id,
      conversationId: conversation.id,
      direction: 'outbound',
      author: 'bot',
      type: 'text',
      body: 'Sí, abrimos de 10 a 19 h.',
      status: 'pending',
      agentRunId: run.id,
      sentAt: customer.sentAt,
    })
    business.botEnabled = true
    await business.save()
    // … and meanwhile the owner answered from the phone.
    await gateway.deliver(
      instance.instanceName,
      'messages.upsert',
      FakeEvolution.textMessage({
        id: 'OWNER-PHONE-2',
        from: CUSTOMER,
        text: 'Hoy abrimos a las 11',
        fromMe: true,
      })
    )

    const { default: app } = await import('@adonisjs/core/services/app')
    const { JobQueue } = await import('#services/queue/job_queue')
    const queue = await app.container.make(JobQueue)
    await queue.scheduleReply(conversation.id, 0)

    await eventually(async () => {
      await run.refresh()
      return run.outcome !== 'replying'
    })
    await sleep(300)
    assert.deepEqual(botTexts(), [])
    assert.equal(run.outcome, 'discarded')
    assert.equal(run.reason, 'human_took_over')
    const pending = await Message.query().where('agent_run_id', run.id)
    assert.lengthOf(pending, 0, 'the unsent reply is not left in the inbox')
  })
})
