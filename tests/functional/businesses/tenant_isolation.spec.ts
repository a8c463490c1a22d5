import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import router from '@adonisjs/core/services/router'
import { createOwnerWithBusiness, tokenFor } from '#tests/helpers/factories'

/**
 * Every API route that names a business (":id" or "business_id") is tried
 * by user B with user A's ids: each must answer 404 and change nothing.
 * Routes are read from the router, so a new route is covered as it lands.
 */
test.group('Tenant isolation', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('another tenant’s business id answers 404 on every business route', async ({
    client,
    assert,
  }) => {
    const a = await createOwnerWithBusiness('Tienda A')
    const b = await createOwnerWithBusiness('Tienda B')
    const tokenB = await tokenFor(b.user)

    const routes = Object.values(router.toJSON())
      .flat()
      .filter((route) => route.name?.startsWith('api.') && route.pattern.includes('/business/:id'))
    assert.isAbove(routes.length, 3)

    const bodies: Record<string, object> = {
      'api.businesses.update': { name: 'Hackeada' },
      'api.businesses.openai': { openaiApiKey: 'sk-test-valid-0123456789abcdefWXYZ' },
      'api.businesses.bot_toggle': { botEnabled: false },
    }

    for (const route of routes) {
      for (const method of route.methods.filter((m) => m !== 'HEAD')) {
        const url = route.pattern.replace(':id', a.business.id)
        const response = await client
          .request(url, method as 'GET')
          .bearerToken(tokenB)
          .json(bodies[route.name!] ?? {})
        assert.equal(
          response.status(),
          404,
          `${method} ${route.pattern} answered ${response.status()}`
        )
        assert.notInclude(JSON.stringify(response.body()), 'Tienda A')
      }
    }

    await a.business.refresh()
    assert.equal(a.business.name, 'Tienda A')
    assert.isTrue(a.business.botEnabled)
    assert.isNull(a.business.openaiApiKey)
  })

  test('malformed and unknown ids answer 404, not a server error', async ({ client }) => {
    const { user } = await createOwnerWithBusiness()
    const token = await tokenFor(user)

    for (const id of ['not-a-uuid', '00000000-0000-0000-0000-000000000000', "1' OR '1'='1"]) {
      const response = await client.get(`/business/${encodeURIComponent(id)}`).bearerToken(token)
      response.assertStatus(404)
    }
  })

  test('a user only lists their own businesses', async ({ client, assert }) => {
    await createOwnerWithBusiness('Tienda A')
    const b = await createOwnerWithBusiness('Tienda B')

    const response = await client.get('/business').bearerToken(await tokenFor(b.user))
    assert.deepEqual(
      response.body().map((business: { name: string }) => business.name),
      ['Tienda B']
    )
  })
})
