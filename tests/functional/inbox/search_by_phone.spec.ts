import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import type { ApiClient } from '@japa/api-client'
import type Business from '#models/business'
import { createOwnerWithBusiness, tokenFor } from '#tests/helpers/factories'
import { createConversation } from '#tests/helpers/inbox'

type Row = { contact: { displayName: string } }

/**
 * The inbox search by a phone typed as a person types it, in the business's
 * country: it finds the contact whatever form their phone is stored in.
 */
test.group('Inbox search by phone number', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  async function ownerIn(country: string) {
    const { user, business } = await createOwnerWithBusiness()
    business.country = country
    await business.save()
    return { business, token: await tokenFor(user) }
  }

  async function found(client: ApiClient, token: string, business: Business, q: string) {
    const response = await client
      .get('/conversations')
      .bearerToken(token)
      .qs({ business_id: business.id, q })
    response.assertStatus(200)
    return response
      .body()
      .data.map((row: Row) => row.contact.displayName)
      .sort()
  }

  test('Mexico: with or without +52, whether stored with the 1 or not', async ({
    client,
    assert,
  }) => {
    const { business, token } = await ownerIn('MX')
    await createConversation(business, { pushName: 'Giovanna', phone: '5215512345678' })
    await createConversation(business, { pushName: 'Luis', phone: '525587654321' })
    await createConversation(business, { pushName: 'Otra', phone: '5215599998888' })

    for (const typed of ['+52 55 1234 5678', '55 1234 5678', '+52 1 55 1234 5678']) {
      assert.deepEqual(await found(client, token, business, typed), ['Giovanna'], typed)
    }
    for (const typed of ['+52 55 8765 4321', '(55) 8765-4321', '+52 1 55 8765 4321']) {
      assert.deepEqual(await found(client, token, business, typed), ['Luis'], typed)
    }
    // Part of a number still finds it by its digits.
    assert.deepEqual(await found(client, token, business, '8765 43'), ['Luis'])
  })

  test('Argentina and Brazil: the 9, the 15 and the ninth digit aside', async ({
    client,
    assert,
  }) => {
    const argentina = await ownerIn('AR')
    await createConversation(argentina.business, { pushName: 'Sofía', phone: '5491112345678' })
    for (const typed of ['011 15 1234-5678', '+54 11 1234-5678', '11 1234 5678']) {
      assert.deepEqual(
        await found(client, argentina.token, argentina.business, typed),
        ['Sofía'],
        typed
      )
    }

    const brazil = await ownerIn('BR')
    await createConversation(brazil.business, { pushName: 'João', phone: '551112345678' })
    for (const typed of ['(11) 91234-5678', '+55 11 91234-5678', '11 1234-5678']) {
      assert.deepEqual(await found(client, brazil.token, brazil.business, typed), ['João'], typed)
    }
  })
})
