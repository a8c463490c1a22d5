import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import drive from '@adonisjs/drive/services/main'
import { createDemoShop } from '#database/demo_shop'
import { createUser } from '#tests/helpers/factories'
import { conversationBotState } from '#shared/bot_status'
import PolicyTransformer from '#transformers/policy_transformer'

/**
 * What a newcomer finds on the first `npm run dev` (the embedded database
 * creates it for the demo account): a shop that sells.
 */
test.group('The demo shop', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a dozen products with photos, policies and hours, its own prompt, WhatsApp connected and three kinds of conversation', async ({
    assert,
    cleanup,
  }) => {
    const owner = await createUser({ fullName: 'Demo' })
    const business = await createDemoShop(owner)
    cleanup(() => drive.use().deleteAll(`businesses/${business.id}`))

    const products = await business.related('products').query().orderBy('created_at')
    assert.lengthOf(products, 12)
    for (const product of products) {
      assert.isTrue(await drive.use().exists(product.imageKey!), product.title)
      assert.isNotNull(product.photoFingerprint, product.title)
    }
    assert.isTrue(
      products.some((product) => product.stock === 0),
      'one is sold out'
    )

    const policy = await business.related('policy').query().preload('faqs').firstOrFail()
    policy.$setRelated('business', business)
    const shown = new PolicyTransformer(policy, 'es').toObject()
    assert.equal(shown.allowedHoursReadAs, 'week')
    assert.equal(
      shown.allowedHoursText,
      'Lunes a viernes de 10:00 a 19:00; sábado de 10:00 a 15:00; domingo cerrado'
    )
    assert.lengthOf(policy.faqs, 3)

    const prompt = await business
      .related('agentPrompts')
      .query()
      .withScopes((scopes) => scopes.newestFirst())
      .firstOrFail()
    assert.equal(prompt.authorId, owner.id)
    assert.include(prompt.content, 'Boutique Lupita')

    const whatsapp = await business.whatsappOrFail()
    assert.isTrue(whatsapp.isPaired())

    const conversations = await business
      .related('conversations')
      .query()
      .preload('messages')
      .orderBy('last_message_at')
    const states = conversations.map(
      (conversation) =>
        conversationBotState(
          {
            needsHuman: conversation.needsHuman,
            botEnabled: conversation.botEnabled,
            botPausedUntil: conversation.botPausedUntil?.toISO() ?? null,
          },
          { state: 'on', reason: null },
          Date.now()
        ).state
    )
    assert.deepEqual(states, ['on', 'paused_until', 'needs_human'])
    const authors = conversations.map((conversation) =>
      [...new Set(conversation.messages.map((message) => message.author))].sort()
    )
    assert.deepEqual(authors, [
      ['bot', 'customer'],
      ['customer', 'human'],
      ['bot', 'customer'],
    ])
    // Its history is never answered again.
    assert.isTrue(
      conversations.every((conversation) =>
        conversation.messages.every((message) => message.agentHandledAt !== null)
      )
    )
  })
})
