import { test } from '@japa/runner'
import { AiProvider } from '#services/ai_provider'
import { FakeOpenAI } from '#tests/helpers/fake_openai'

test.group('AiProvider.checkKey', (group) => {
  const openai = new FakeOpenAI()
  group.setup(async () => {
    await openai.start()
    return () => openai.stop()
  })
  group.each.setup(() => openai.reset())

  test('a key the provider accepts is valid', async ({ assert }) => {
    openai.acceptedKeys.add('sk-good-key-000000000000000000')
    const result = await new AiProvider().checkKey('sk-good-key-000000000000000000', openai.baseUrl)
    assert.equal(result, 'valid')
    assert.equal(openai.requests[0].path, '/v1/models')
  })

  test('a key the provider refuses is rejected', async ({ assert }) => {
    const result = await new AiProvider().checkKey('sk-bad-key-0000000000000000000', openai.baseUrl)
    assert.equal(result, 'rejected')
  })

  test('a provider that fails or cannot be reached is unreachable, not a rejection', async ({
    assert,
  }) => {
    openai.failWith = 503
    const failing = await new AiProvider().checkKey(
      'sk-any-key-0000000000000000000',
      openai.baseUrl
    )
    assert.equal(failing, 'unreachable')

    const closed = await new AiProvider().checkKey(
      'sk-any-key-0000000000000000000',
      'http://127.0.0.1:9/v1'
    )
    assert.equal(closed, 'unreachable')
  })
})
