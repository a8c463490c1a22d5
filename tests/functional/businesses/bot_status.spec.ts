import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import AgentRun from '#models/agent_run'
import { createOwnerWithBusiness, tokenFor } from '#tests/helpers/factories'
import { createConversation } from '#tests/helpers/inbox'
import { connectedBusiness, fakeEvolutionFor } from '#tests/helpers/whatsapp'
import { readyForAgent } from '#tests/helpers/agent'
import { inertiaVisit } from '#tests/helpers/inertia'

/**
 * Never a false "bot on": whether the bot answers customers, or why not,
 * as API clients and the pages see it.
 */
test.group('Bot status', (group) => {
  const fake = fakeEvolutionFor(group)
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('without an OpenAI key the bot is off, for the business and each conversation', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)
    const { conversation } = await createConversation(business)

    const shown = await client.get(`/business/${business.id}`).bearerToken(token)
    shown.assertStatus(200)
    assert.deepEqual(shown.body().botStatus, { state: 'off', reason: 'no_api_key' })
    assert.isTrue(shown.body().botEnabled)

    const list = await client.get('/business').bearerToken(token)
    assert.deepEqual(list.body()[0].botStatus, { state: 'off', reason: 'no_api_key' })

    const row = await client.get(`/conversations/${conversation.id}`).bearerToken(token)
    assert.deepEqual(row.body().bot, { state: 'off_business', until: null, reason: 'no_api_key' })
  })

  test('with a key but WhatsApp not connected it is off; connected, it is on', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)
    await readyForAgent(business)

    const unpaired = await client.get(`/business/${business.id}`).bearerToken(token)
    assert.deepEqual(unpaired.body().botStatus, { state: 'off', reason: 'not_connected' })
    assert.isFalse(unpaired.body().whatsappConnected)

    const connected = await connectedBusiness(client, fake)
    await readyForAgent(connected.business)
    const on = await client.get(`/business/${connected.business.id}`).bearerToken(connected.token)
    assert.deepEqual(on.body().botStatus, { state: 'on', reason: null })
    assert.isTrue(on.body().whatsappConnected)
  })

  test('a reached budget stops it, read live; the switch turns it off for everyone', async ({
    client,
    assert,
  }) => {
    const { business, token } = await connectedBusiness(client, fake)
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

    const stopped = await client.get(`/business/${business.id}`).bearerToken(token)
    assert.deepEqual(stopped.body().botStatus, { state: 'off', reason: 'budget_reached' })
    assert.equal(stopped.body().botBlockedReason, 'budget_reached')

    const off = await client
      .put(`/business/${business.id}/bot-toggle`)
      .bearerToken(token)
      .json({ botEnabled: false })
    off.assertStatus(200)
    assert.deepEqual(off.body().botStatus, { state: 'off', reason: 'bot_disabled' })
  })

  test('the dashboard says why the bot cannot answer', async ({ client, assert }) => {
    const { user, business } = await connectedBusiness(client, fake)
    await readyForAgent(business)
    business.botBlockedReason = 'api_key_rejected'
    await business.save()

    const page = await inertiaVisit(client, '/dashboard', { user })
    page.assertStatus(200)
    assert.containSubset(page.body().props.business, {
      botEnabled: true,
      hasOpenaiKey: true,
      botBlockedReason: 'api_key_rejected',
      whatsappConnected: true,
      botStatus: { state: 'off', reason: 'api_key_rejected' },
    })
  })
})
