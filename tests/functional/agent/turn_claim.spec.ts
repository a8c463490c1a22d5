import { test } from '@japa/runner'
import { setTimeout as sleep } from 'node:timers/promises'
import app from '@adonisjs/core/services/app'
import { DateTime } from 'luxon'
import AgentRun from '#models/agent_run'
import type Business from '#models/business'
import Conversation from '#models/conversation'
import Message from '#models/message'
import AnswerConversation from '#actions/agent/answer_conversation'
import SweepUnanswered from '#actions/agent/sweep_unanswered'
import MediaStorage from '#services/media_storage'
import { JobQueue } from '#services/queue/job_queue'
import { FakeEvolution, PIXEL_JPEG } from '#tests/helpers/fake_evolution'
import { connectedBusiness } from '#tests/helpers/whatsapp'
import { inertiaVisit } from '#tests/helpers/inertia'
import {
  addProduct,
  agentHarness,
  eventually,
  readyForAgent,
  toolResults,
} from '#tests/helpers/agent'

const CUSTOMER = '5215512345678@s.whatsapp.net'

/**
 * Issue 14's promises, by fault injection: one turn per conversation at a
 * time whoever asks, nothing sent over a person, nothing forgotten.
 */
test.group('Agent turns: one at a time, never over a person, nothing forgotten', (group) => {
  const harness = agentHarness()
  group.setup(async () => {
    await harness.setup()
    return () => harness.teardown()
  })
  group.each.setup(() => harness.reset())

  const { openai, gateway } = harness
  let sequence = 0
  const customerSays = (instanceName: string, text: string) =>
    gateway.deliver(
      instanceName,
      'messages.upsert',
      FakeEvolution.textMessage({ id: `TURN-${++sequence}`, from: CUSTOMER, text })
    )
  const botTexts = () =>
    gateway.sent('/message/sendText').map((request) => request.body.text as string)
  const settledRun = (business: Business) =>
    eventually(async () => {
      const runs = await AgentRun.query().where('business_id', business.id)
      return runs.length > 0 && runs.every((run) => !['running', 'replying'].includes(run.outcome))
        ? runs
        : null
    })

  async function productWithPhoto(business: Business, title: string) {
    const product = await addProduct(business, { title, price: '500.00', stock: 1 })
    const storage = await app.container.make(MediaStorage)
    product.imageKey = await storage.storeImage(Buffer.from(PIXEL_JPEG, 'base64'), {
      businessId: business.id,
      folder: 'products',
    })
    await product.save()
    return product
  }

  test('the owner writing while a photo goes out stops the text after it', async ({
    client,
    assert,
  }) => {
    const { business, instance, user } = await connectedBusiness(client, gateway)
    await readyForAgent(business)
    const product = await productWithPhoto(business, 'Tenis Azul')
    openai.script(
      {
        toolCalls: [
          { name: 'send_product_image', arguments: { product_id: product.id, caption: 'Azul' } },
        ],
      },
      { content: 'Aquí están los Tenis Azul. ¿Te los aparto?' }
    )
    /**
     * Nothing is sent while the model thinks: the photo goes out after
     * the turn, and while it does the owner types on the phone.
     */
    let photoSentDuringTurn = false
    gateway.beforeAnswer = async (request) => {
      if (!request.path.startsWith('/message/sendMedia')) return
      photoSentDuringTurn = openai.chatRequests().length < 2
      await gateway.deliver(
        instance.instanceName,
        'messages.upsert',
        FakeEvolution.textMessage({
          id: 'OWNER-PHOTO',
          from: CUSTOMER,
          text: 'Te lo aparto yo',
          fromMe: true,
        })
      )
    }

    await customerSays(instance.instanceName, '¿Tienes foto de los tenis azules?')
    const [run] = await settledRun(business)
    await sleep(200)

    assert.isFalse(photoSentDuringTurn, 'the photo waited for the reply and the gate')
    assert.lengthOf(gateway.sent('/message/sendMedia'), 1)
    assert.deepEqual(botTexts(), [], 'the text after the photo was held back')
    assert.equal(run.outcome, 'replied', 'in part: the photo went out')
    assert.equal(run.reason, 'human_took_over')
    assert.deepEqual(run.heldBack, [
      { type: 'text', body: 'Aquí están los Tenis Azul. ¿Te los aparto?' },
    ])
    const inbox = await Message.query()
      .where('business_id', business.id)
      .whereNot('author', 'customer')
      .orderBy('created_at')
    assert.deepEqual(
      inbox.map((message) => [message.author, message.type]),
      [
        ['bot', 'image'],
        ['human', 'text'],
      ],
      'the inbox shows exactly what was sent'
    )
    const page = await inertiaVisit(client, '/agent/usage', { user })
    assert.deepEqual(page.body().props.runs[0].heldBack, [
      { type: 'text', body: 'Aquí están los Tenis Azul. ¿Te los aparto?' },
    ])
  })

  test('tool calls past the limits are answered "limit reached" and never run', async ({
    client,
    assert,
  }) => {
    const { business, instance } = await connectedBusiness(client, gateway)
    await readyForAgent(business)
    const products = []
    for (const title of ['Gorra A', 'Gorra B', 'Gorra C', 'Gorra D']) {
      products.push(await productWithPhoto(business, title))
    }
    openai.script(
      {
        toolCalls: Array.from({ length: 6 }, (_, index) => ({
          name: 'search_products',
          arguments: { query: `gorra ${index}` },
        })),
      },
      {
        toolCalls: products.map((product) => ({
          name: 'send_product_image',
          arguments: { product_id: product.id },
        })),
      },
      (request) => ({ content: `Listo (${toolResults(request).length} resultados)` })
    )

    await customerSays(instance.instanceName, 'Mándame fotos de todas las gorras')
    const [run] = await settledRun(business)
    await eventually(async () => botTexts().length > 0)

    const [, second] = openai.chatRequests()
    const searches = toolResults(second)
    assert.lengthOf(searches, 6, 'every call is answered')
    assert.lengthOf(
      searches.filter((result) => 'results' in result),
      4,
      'four searches ran, the round limit'
    )
    assert.include(searches[5].error, 'limit')
    assert.lengthOf(gateway.sent('/message/sendMedia'), 3, 'at most 3 photos a turn')
    assert.equal(run.toolCalls.length, 10)
    assert.equal(run.outcome, 'replied')
  })

  test('a second worker asking while the turn still thinks does not answer again', async ({
    client,
    assert,
  }) => {
    const { business, instance } = await connectedBusiness(client, gateway)
    await readyForAgent(business)
    openai.script({ content: 'Sí, tenemos talla 26.', delayMs: 700 })

    await customerSays(instance.instanceName, '¿Tienen talla 26?')
    const running = await eventually(() =>
      AgentRun.query().where('business_id', business.id).where('outcome', 'running').first()
    )
    /**
     * What an expired job's retry, or POST /agent/think, did before: ask
     * again while the first turn is alive.
     */
    const answer = await app.container.make(AnswerConversation)
    const second = await answer.handle(running.conversationId!, {
      source: 'whatsapp',
      ignoreDelay: true,
    })
    assert.deepEqual(second, { kind: 'busy', runId: running.id })

    await settledRun(business)
    await sleep(300)
    assert.deepEqual(botTexts(), ['Sí, tenemos talla 26.'])
    assert.lengthOf(openai.chatRequests(), 1)
    const runs = await AgentRun.query().where('business_id', business.id)
    assert.deepEqual(
      runs.map((run) => run.outcome),
      ['replied']
    )
  })

  test('a turn whose worker stopped beating is taken over and answered once', async ({
    client,
    assert,
  }) => {
    const { business, instance } = await connectedBusiness(client, gateway)
    await readyForAgent(business)
    business.botEnabled = false
    await business.save()
    await customerSays(instance.instanceName, '¿Hacen envíos?')
    const conversation = await eventually(() => Conversation.findBy('business_id', business.id))
    // A worker died while the model was thinking: its run stopped beating.
    const dead = await AgentRun.create({
      businessId: business.id,
      conversationId: conversation.id,
      source: 'whatsapp',
      model: 'gpt-4.1-mini',
      outcome: 'running',
      toolCalls: [],
      heldBack: [],
      triggerMessageIds: [],
      heartbeatAt: DateTime.now().minus({ minutes: 2 }),
    })
    business.botEnabled = true
    await business.save()
    openai.script({ content: 'Sí, enviamos a todo el país.' })

    const queue = await app.container.make(JobQueue)
    await queue.scheduleReply(conversation.id, 0)
    await eventually(async () => botTexts().length > 0)
    await sleep(300)

    assert.deepEqual(botTexts(), ['Sí, enviamos a todo el país.'])
    await dead.refresh()
    assert.equal(dead.outcome, 'failed')
    assert.equal(dead.reason, 'interrupted')
  })

  test('POST /agent/think during a WhatsApp turn waits for it: one reply for both messages', async ({
    client,
    assert,
  }) => {
    const { business, instance, token } = await connectedBusiness(client, gateway)
    await readyForAgent(business)
    openai.script(
      { content: 'Abrimos a las 10.', delayMs: 700 },
      { content: 'Abrimos a las 10 y cerramos a las 19.' }
    )

    await customerSays(instance.instanceName, '¿A qué hora abren?')
    await eventually(() =>
      AgentRun.query().where('business_id', business.id).where('outcome', 'running').first()
    )
    const response = await client.post('/agent/think').bearerToken(token).json({
      business_id: business.id,
      user_message: '¿Y a qué hora cierran?',
      phone: '+52 55 1234 5678',
    })

    /**
     * The WhatsApp turn sees the customer wrote again and leaves the
     * answer to the next turn, the API's, which answers both.
     */
    response.assertStatus(200)
    assert.equal(response.body().reply, 'Abrimos a las 10 y cerramos a las 19.')
    await sleep(300)
    assert.deepEqual(botTexts(), ['Abrimos a las 10 y cerramos a las 19.'])
    const [, second] = openai.chatRequests()
    const asked = second.messages
      .filter((message) => message.role === 'user')
      .map((message) => String(message.content))
    assert.includeMembers(asked, ['¿A qué hora abren?', '¿Y a qué hora cierran?'])
    const runs = await AgentRun.query().where('business_id', business.id).orderBy('created_at')
    assert.deepEqual(
      runs.map((run) => [run.source, run.outcome, run.reason]),
      [
        ['whatsapp', 'discarded', 'newer_customer_messages'],
        ['api', 'replied', null],
      ]
    )
  })

  test('a reply whose scheduling failed is found by the sweeper and answered once', async ({
    client,
    assert,
  }) => {
    const { business, instance } = await connectedBusiness(client, gateway)
    await readyForAgent(business)
    const queue = await app.container.make(JobQueue)
    const schedule = queue.scheduleReply
    queue.scheduleReply = async () => {
      queue.scheduleReply = schedule
      throw new Error('connection terminated unexpectedly')
    }
    openai.script({ content: 'Sí, hay en negro.' })

    try {
      const delivery = await customerSays(instance.instanceName, '¿Hay en negro?')
      assert.equal(delivery.status, 200)
    } finally {
      queue.scheduleReply = schedule
    }
    await sleep(500)
    assert.deepEqual(botTexts(), [], 'nobody scheduled it')

    // Past its reply delay and the sweeper's grace: the sweeper finds it.
    const customer = await Message.query()
      .where('business_id', business.id)
      .where('author', 'customer')
      .firstOrFail()
    await Message.query()
      .where('id', customer.id)
      .update({ createdAt: DateTime.now().minus({ minutes: 1 }).toJSDate() })
    const sweeper = await app.container.make(SweepUnanswered)
    const sweep = () => sweeper.handle({ businessId: business.id })
    assert.deepEqual(await sweep(), [customer.conversationId])
    assert.deepEqual(await sweep(), [], 'its job waits: swept once')

    await eventually(async () => botTexts().length > 0)
    await sleep(300)
    assert.deepEqual(await sweep(), [], 'answered: nothing left to sweep')
    await sleep(300)
    assert.deepEqual(botTexts(), ['Sí, hay en negro.'])
  })

  test('an aborted turn hands its claim back and sends nothing', async ({ client, assert }) => {
    const { business, instance } = await connectedBusiness(client, gateway)
    await readyForAgent(business)
    business.botEnabled = false
    await business.save()
    await customerSays(instance.instanceName, '¿Tienen factura?')
    const conversation = await eventually(() => Conversation.findBy('business_id', business.id))
    business.botEnabled = true
    await business.save()
    openai.script({ content: 'Sí, facturamos.', delayMs: 2_000 })

    const controller = new AbortController()
    setTimeout(() => controller.abort(), 300)
    const answer = await app.container.make(AnswerConversation)
    await assert.rejects(() =>
      answer.handle(conversation.id, {
        source: 'whatsapp',
        ignoreDelay: true,
        signal: controller.signal,
      })
    )

    const [run] = await AgentRun.query().where('business_id', business.id)
    assert.equal(run.outcome, 'failed')
    assert.equal(run.reason, 'interrupted')
    const customer = await Message.query()
      .where('conversation_id', conversation.id)
      .where('author', 'customer')
      .firstOrFail()
    assert.isNull(customer.agentHandledAt, 'the next turn answers it')
    await sleep(2_000)
    assert.deepEqual(botTexts(), [])
  })
})
