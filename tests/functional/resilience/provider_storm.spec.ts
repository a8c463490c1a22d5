import { test } from '@japa/runner'
import AgentRun from '#models/agent_run'
import Conversation from '#models/conversation'
import { FakeEvolution } from '#tests/helpers/fake_evolution'
import { connectedBusiness } from '#tests/helpers/whatsapp'
import { agentHarness, eventually, readyForAgent } from '#tests/helpers/agent'

/**
 * The model provider rate-limits (429) or stops answering in time for
 * everyone at once: every conversation gets a bounded number of attempts,
 * then waits for a person; customers never see an error, and the app keeps
 * serving meanwhile.
 */
test.group('Model provider storm: 429s and timeouts for every conversation', (group) => {
  const harness = agentHarness()
  group.setup(async () => {
    await harness.setup()
    return () => harness.teardown()
  })
  group.each.setup(() => harness.reset())
  const { gateway, openai } = harness

  test('bounded retries, then "needs a human"; nothing technical reaches customers', async ({
    client,
    assert,
  }) => {
    const { business, instance } = await connectedBusiness(client, gateway)
    await readyForAgent(business)
    let calls = 0
    openai.chat = () => {
      calls += 1
      return calls % 3 === 0 ? { delayMs: 1_500, content: 'demasiado tarde' } : { status: 429 }
    }

    const customers = Array.from({ length: 12 }, (_, index) => `52155600000${10 + index}`)
    await Promise.all(
      customers.map((phone, index) =>
        gateway.deliver(
          instance.instanceName,
          'messages.upsert',
          FakeEvolution.textMessage({
            id: `STORM-${index}`,
            from: `${phone}@s.whatsapp.net`,
            text: '¿Tienen disponible?',
          })
        )
      )
    )

    /**
     * The app answers while every turn is retrying.
     */
    const ready = await client.get('/health/ready')
    ready.assertStatus(200)
    const live = await client.get('/health/live')
    live.assertStatus(200)

    const runs = await eventually(async () => {
      const finished = await AgentRun.query()
        .where('business_id', business.id)
        .whereNot('outcome', 'running')
      return finished.length === customers.length ? finished : null
    }, 30_000)
    assert.isTrue(
      runs.every((run) => run.outcome === 'failed' && run.reason === 'model_unavailable')
    )
    assert.isAtMost(
      openai.chatRequests().length,
      customers.length * 5,
      'a call and four retries each'
    )

    const conversations = await Conversation.query().where('business_id', business.id)
    assert.lengthOf(conversations, customers.length)
    assert.isTrue(conversations.every((conversation) => conversation.needsHuman))
    assert.lengthOf(gateway.sent('/message/sendText'), 0, 'no customer was told anything technical')
  }).timeout(60_000)
})
