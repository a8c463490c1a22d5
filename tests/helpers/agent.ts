import app from '@adonisjs/core/services/app'
import env from '#start/env'
import type Business from '#models/business'
import Product from '#models/product'
import { AgentModel } from '#services/agent/agent_model'
import { Transcriber } from '#services/agent/transcriber'
import { JobQueue } from '#services/queue/job_queue'
import { startWorkers } from '#jobs/workers'
import { FakeOpenAI } from '#tests/helpers/fake_openai'
import { FakeEvolution } from '#tests/helpers/fake_evolution'
import { useFakeEvolution } from '#tests/helpers/whatsapp'

export const AGENT_KEY = 'sk-test-agent-0123456789abcdefKEYS'

/**
 * Everything the agent talks to, faked as real HTTP servers, and the
 * queue's workers running in this process. Model and transcription
 * retries wait 10 ms and model calls time out after 1 s instead of 30.
 *
 * The tests commit what they write (the workers read it on connections of
 * their own): each makes its own business, so none sees another's data.
 */
export function agentHarness() {
  const openai = new FakeOpenAI()
  const gateway = new FakeEvolution()
  let restoreGateway: () => void
  let previousBaseUrl: string | undefined

  return {
    openai,
    gateway,
    async setup() {
      await openai.start()
      await gateway.start()
      previousBaseUrl = env.get('OPENAI_BASE_URL')
      env.set('OPENAI_BASE_URL', openai.baseUrl)
      restoreGateway = useFakeEvolution(gateway)
      app.container.swap(
        AgentModel,
        () => new AgentModel({ timeoutMs: 1_000, retryDelaysMs: [10, 10, 10, 10] })
      )
      app.container.swap(Transcriber, () => new Transcriber({ retryDelaysMs: [10, 10] }))
      await startWorkers(app)
    },
    async teardown() {
      const queue = await app.container.make(JobQueue)
      await queue.stop(2_000)
      app.container.restore(AgentModel)
      app.container.restore(Transcriber)
      restoreGateway()
      env.set('OPENAI_BASE_URL', previousBaseUrl ?? '')
      await openai.stop()
      await gateway.stop()
    },
    reset() {
      openai.reset()
      openai.acceptedKeys.add(AGENT_KEY)
      gateway.reset()
    },
  }
}

/**
 * Gives the business a working key and a reply delay (0 = answer at once).
 */
export async function readyForAgent(business: Business, replyDelaySeconds = 0) {
  business.setOpenaiApiKey(AGENT_KEY)
  business.replyDelaySeconds = replyDelaySeconds
  await business.save()
  return business
}

export async function addProduct(
  business: Business,
  fields: { title: string; price: string; stock?: number | null; description?: string }
) {
  return Product.create({
    businessId: business.id,
    title: fields.title,
    price: fields.price,
    stock: fields.stock ?? null,
    description: fields.description ?? null,
    active: true,
  })
}

/**
 * Polls until the condition holds (the agent works in the background).
 */
export async function eventually<T>(
  check: () => Promise<T | null | undefined | false>,
  timeoutMs = 10_000
) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) throw new Error('Timed out waiting for the condition')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/**
 * The content of the tool results the model was given in a request.
 */
export function toolResults(request: { messages: { role: string; content: unknown }[] }) {
  return request.messages
    .filter((message) => message.role === 'tool')
    .map((message) => JSON.parse(String(message.content)))
}
