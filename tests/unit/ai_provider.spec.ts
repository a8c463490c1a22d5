import { test } from '@japa/runner'
import env from '#start/env'
import { AiProvider } from '#services/ai_provider'
import { FakeOpenAI } from '#tests/helpers/fake_openai'

test.group('AiProvider.checkKey', (group) => {
  const openai = new FakeOpenAI()
  group.setup(async () => {
    await openai.start()
    const previous = {
      baseUrl: env.get('OPENAI_BASE_URL'),
      allowed: env.get('AI_PROVIDER_ALLOWED_HOSTS'),
    }
    env.set('OPENAI_BASE_URL', openai.baseUrl)
    return async () => {
      env.set('OPENAI_BASE_URL', previous.baseUrl ?? '')
      env.set('AI_PROVIDER_ALLOWED_HOSTS', previous.allowed ?? '')
      await openai.stop()
    }
  })
  group.each.setup(() => {
    openai.reset()
    env.set('AI_PROVIDER_ALLOWED_HOSTS', '')
  })

  test('a key the provider accepts is valid', async ({ assert }) => {
    openai.acceptedKeys.add('sk-good-key-000000000000000000')
    const result = await new AiProvider().checkKey('sk-good-key-000000000000000000')
    assert.equal(result, 'valid')
    assert.equal(openai.requests[0].path, '/v1/models')
  })

  test('a key the provider refuses is rejected', async ({ assert }) => {
    const result = await new AiProvider().checkKey('sk-bad-key-0000000000000000000')
    assert.equal(result, 'rejected')
  })

  test('a provider that fails is unreachable, not a rejection', async ({ assert }) => {
    openai.failWith = 503
    const failing = await new AiProvider().checkKey('sk-any-key-0000000000000000000')
    assert.equal(failing, 'unreachable')
  })

  test('at a URL the business chose, the answer is only whether it works', async ({ assert }) => {
    const provider = new AiProvider()
    openai.acceptedKeys.add('sk-good-key-000000000000000000')
    env.set('AI_PROVIDER_ALLOWED_HOSTS', new URL(openai.baseUrl).host)

    assert.equal(await provider.checkKey('sk-good-key-000000000000000000', openai.baseUrl), 'valid')
    assert.equal(
      await provider.checkKey('sk-bad-key-0000000000000000000', openai.baseUrl),
      'not_working'
    )
    assert.equal(
      await provider.checkKey('sk-good-key-000000000000000000', 'http://127.0.0.1:9/v1'),
      'not_working'
    )
  })
})
