import { test } from '@japa/runner'
import AgentRun from '#models/agent_run'
import Message from '#models/message'
import { connectedBusiness } from '#tests/helpers/whatsapp'
import { createOwnerWithBusiness, createUser, tokenFor } from '#tests/helpers/factories'
import BusinessMember from '#models/business_member'
import { addProduct, agentHarness, readyForAgent, toolResults } from '#tests/helpers/agent'
import { signedInSession } from '#tests/helpers/http_session'

test.group('POST /agent/think and the playground', (group) => {
  const harness = agentHarness()
  group.setup(async () => {
    await harness.setup()
    return () => harness.teardown()
  })
  group.each.setup(() => harness.reset())
  const { openai, gateway } = harness

  test('a dry run answers from the catalog and sends nothing', async ({ client, assert }) => {
    const { business, token } = await connectedBusiness(client, gateway)
    await readyForAgent(business)
    await addProduct(business, { title: 'Gorra Negra', price: '249.90', stock: 10 })
    openai.script(
      { toolCalls: [{ name: 'search_products', arguments: { query: 'gorra' } }] },
      (request) => ({
        content: `La ${toolResults(request)[0].results[0].title} cuesta ${toolResults(request)[0].results[0].price_text}`,
      })
    )

    const response = await client.post('/agent/think').bearerToken(token).json({
      business_id: business.id,
      user_message: '¿Cuánto cuesta la gorra?',
      phone: '+52 55 1234 5678',
      dry_run: true,
    })

    response.assertStatus(200)
    assert.equal(response.body().reply, 'La Gorra Negra cuesta $249.90')
    assert.isFalse(response.body().sent)
    assert.equal(response.body().toolCalls[0].name, 'search_products')
    assert.isAbove(response.body().usage.promptTokens, 0)
    assert.match(response.body().usage.costUsd, /^\d+\.\d{6}$/)
    assert.lengthOf(gateway.sent('/message/sendText'), 0)

    const run = await AgentRun.findOrFail(response.body().runId)
    assert.equal(run.source, 'api')
    assert.equal(run.reply, 'La Gorra Negra cuesta $249.90')
    const logged = await Message.query().where('business_id', business.id).orderBy('created_at')
    assert.deepEqual(
      logged.map((message) => [message.author, message.body]),
      [['customer', '¿Cuánto cuesta la gorra?']]
    )
  })

  test('without dry_run the reply goes out through WhatsApp', async ({ client, assert }) => {
    const { business, token } = await connectedBusiness(client, gateway)
    await readyForAgent(business)
    openai.script({ content: '¡Hola! Abrimos a las 10.\n\n¿Te ayudo con algo más?' })

    const response = await client
      .post('/agent/think')
      .bearerToken(token)
      .json({ business_id: business.id, user_message: 'Hola', phone: '5215512345678' })

    response.assertStatus(200)
    assert.isTrue(response.body().sent)
    assert.deepEqual(
      gateway.sent('/message/sendText').map((request) => request.body.text),
      ['¡Hola! Abrimos a las 10.', '¿Te ayudo con algo más?']
    )
  })

  test('with the bot off it logs the message and answers skipped', async ({ client, assert }) => {
    const { user, business } = await createOwnerWithBusiness()
    await readyForAgent(business)
    business.botEnabled = false
    await business.save()

    const response = await client
      .post('/agent/think')
      .bearerToken(await tokenFor(user))
      .json({
        business_id: business.id,
        user_message: 'Hola',
        phone: '5215512345678',
        dry_run: true,
      })

    response.assertStatus(200)
    assert.containSubset(response.body(), { reply: null, skipped: 'bot_disabled' })
    assert.lengthOf(openai.chatRequests(), 0)
    assert.lengthOf(await Message.query().where('business_id', business.id), 1)
  })

  test('another tenant’s business answers 404; bad input 422', async ({ client }) => {
    const a = await createOwnerWithBusiness('A')
    const b = await createOwnerWithBusiness('B')
    const tokenB = await tokenFor(b.user)

    const foreign = await client
      .post('/agent/think')
      .bearerToken(tokenB)
      .json({ business_id: a.business.id, user_message: 'Hola', phone: '5215512345678' })
    foreign.assertStatus(404)

    const invalid = await client
      .post('/agent/think')
      .bearerToken(tokenB)
      .json({ business_id: b.business.id, user_message: '', phone: '5215512345678' })
    invalid.assertStatus(422)
  })

  test('the tools never reach another business’s products', async ({ client, assert }) => {
    const a = await createOwnerWithBusiness('A')
    const secret = await addProduct(a.business, { title: 'Producto secreto de A', price: '10.00' })
    const { business, token } = await connectedBusiness(client, gateway, 'B')
    await readyForAgent(business)
    openai.script(
      { toolCalls: [{ name: 'get_product', arguments: { product_id: secret.id } }] },
      (request) => ({ content: JSON.stringify(toolResults(request)[0]) })
    )

    const response = await client.post('/agent/think').bearerToken(token).json({
      business_id: business.id,
      user_message: 'dame el producto',
      phone: '5215512345678',
      dry_run: true,
    })

    assert.equal(response.body().reply, JSON.stringify({ error: 'Product not found' }))
    assert.notInclude(JSON.stringify(response.body()), 'Producto secreto')
  })

  test('the playground answers with the real setup and shows tokens and cost', async ({
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness('Tienda Playground')
    await readyForAgent(business)
    openai.script({ content: '¡Claro! ¿Qué buscas?' })

    const session = await signedInSession(user.email, 'secreta123')
    const response = await session.fetch('/agent/playground', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'customer', text: 'Hola' }] }),
    })
    assert.equal(response.status, 200)
    const body = (await response.json()) as { parts: string[]; usage: { promptTokens: number } }
    assert.deepEqual(body.parts, ['¡Claro! ¿Qué buscas?'])
    assert.isAbove(body.usage.promptTokens, 0)
    assert.include(String(openai.chatRequests()[0].messages[0].content), 'Tienda Playground')
    assert.lengthOf(gateway.sent('/message/sendText'), 0)
  })

  test('only the owner may run the agent through the API, and not past the budget', async ({
    client,
    assert,
  }) => {
    const { business, token } = await connectedBusiness(client, gateway)
    await readyForAgent(business)
    const member = await createUser()
    await BusinessMember.create({ businessId: business.id, userId: member.id, role: 'agent' })
    const ask = (bearer: string) =>
      client.post('/agent/think').bearerToken(bearer).json({
        business_id: business.id,
        user_message: 'Hola',
        phone: '+52 55 1234 5678',
      })

    const asMember = await ask(await tokenFor(member))
    asMember.assertStatus(403)
    assert.lengthOf(openai.chatRequests(), 0)
    assert.lengthOf(gateway.sent('/message/sendText'), 0)

    business.monthlyBudgetUsd = '0.01'
    await business.save()
    await AgentRun.create({
      businessId: business.id,
      conversationId: null,
      source: 'api',
      model: business.openaiModel,
      outcome: 'replied',
      costUsd: '0.020000',
      toolCalls: [],
      triggerMessageIds: [],
    })
    const overBudget = await ask(token)
    overBudget.assertStatus(409)
    assert.include(overBudget.body().errors[0].message, 'presupuesto mensual')
    assert.lengthOf(openai.chatRequests(), 0)
  })
})
