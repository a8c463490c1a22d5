import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import testUtils from '@adonisjs/core/services/test_utils'
import router from '@adonisjs/core/services/router'
import { createOwnerWithBusiness, tokenFor } from '#tests/helpers/factories'
import { SHOP_HOURS } from '#tests/helpers/knowledge'

const PROMPT = 'Eres el asistente de la Tienda B. Vende con calidez y claridad.'

/**
 * User B, owner of their own business, tries every knowledge route with
 * user A's ids. Each answer is a 404 that shows nothing of A, and A's
 * policy and prompt stay as they were.
 */
test.group('Knowledge tenant isolation', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  async function twoTenants(client: ApiClient) {
    const a = await createOwnerWithBusiness('Tienda A')
    const b = await createOwnerWithBusiness('Tienda B')
    const tokenA = await tokenFor(a.user)
    const tokenB = await tokenFor(b.user)

    const policyA = await client
      .post('/policies')
      .bearerToken(tokenA)
      .json({
        business_id: a.business.id,
        shippingPolicy: 'Envíos de la Tienda A',
        allowedHours: SHOP_HOURS,
        faqs: [{ question: '¿Secreto de A?', answer: 'Respuesta de A' }],
      })
    const promptA = await client
      .get('/agent/prompt')
      .qs({ business_id: a.business.id })
      .bearerToken(tokenA)

    return { a, b, tokenA, tokenB, policyA: policyA.body(), promptA: promptA.body() }
  }

  test('every API route answers 404 to another tenant and changes nothing', async ({
    client,
    assert,
  }) => {
    const { a, tokenA, tokenB, policyA, promptA } = await twoTenants(client)

    const attempts: Record<string, { method: 'GET' | 'POST' | 'PUT'; url: string; body: object }> =
      {
        'api.policies.show': {
          method: 'GET',
          url: `/policies?business_id=${a.business.id}`,
          body: {},
        },
        'api.policies.store': {
          method: 'POST',
          url: '/policies',
          body: { business_id: a.business.id, shippingPolicy: 'Hackeada' },
        },
        'api.policies.update': {
          method: 'PUT',
          url: `/policies/${policyA.id}`,
          body: { shippingPolicy: 'Hackeada', faqs: [] },
        },
        'api.prompt.show': {
          method: 'GET',
          url: `/agent/prompt?business_id=${a.business.id}`,
          body: {},
        },
        'api.prompt.store': {
          method: 'POST',
          url: '/agent/prompt',
          body: { business_id: a.business.id, prompt: PROMPT },
        },
        'api.prompt.update': {
          method: 'PUT',
          url: `/agent/prompt/${promptA.id}`,
          body: { prompt: PROMPT },
        },
      }

    /**
     * A knowledge route added later must be added here too.
     */
    const routeNames = Object.values(router.toJSON())
      .flat()
      .map((route) => route.name)
      .filter((name) => name?.startsWith('api.policies.') || name?.startsWith('api.prompt.'))
    assert.sameMembers(routeNames, Object.keys(attempts))

    for (const [name, attempt] of Object.entries(attempts)) {
      const response = await client
        .request(attempt.url, attempt.method)
        .bearerToken(tokenB)
        .json(attempt.body)
      assert.equal(response.status(), 404, `${name} answered ${response.status()}`)
      assert.equal(response.body().message, 'No encontramos lo que buscas.', name)
      const text = JSON.stringify(response.body())
      assert.notInclude(text, 'Tienda A', name)
      assert.notInclude(text, 'Respuesta de A', name)
    }

    const policyAfter = await client
      .get('/policies')
      .qs({ business_id: a.business.id })
      .bearerToken(tokenA)
    assert.deepEqual(policyAfter.body(), policyA)

    const promptAfter = await client
      .get('/agent/prompt')
      .qs({ business_id: a.business.id })
      .bearerToken(tokenA)
    assert.deepEqual(promptAfter.body(), promptA)
  })

  test('malformed and unknown ids answer 404, not a server error', async ({ client }) => {
    const { user } = await createOwnerWithBusiness()
    const token = await tokenFor(user)

    for (const id of ['not-a-uuid', '00000000-0000-0000-0000-000000000000', "1' OR '1'='1"]) {
      const encoded = encodeURIComponent(id)
      for (const request of [
        client.get(`/policies?business_id=${encoded}`),
        client.post('/policies').json({ business_id: id }),
        client.put(`/policies/${encoded}`).json({ shippingPolicy: 'x' }),
        client.get(`/agent/prompt?business_id=${encoded}`),
        client.post('/agent/prompt').json({ business_id: id, prompt: PROMPT }),
        client.put(`/agent/prompt/${encoded}`).json({ prompt: PROMPT }),
      ]) {
        const response = await request.bearerToken(token)
        response.assertStatus(404)
      }
    }
  })

  test('the web pages only ever show and change the current business', async ({
    client,
    assert,
  }) => {
    const { a, b, tokenA, policyA, promptA } = await twoTenants(client)

    const restore = await client
      .post(`/knowledge/prompt/versions/${promptA.id}/restore`)
      .loginAs(b.user)
      .withCsrfToken()
      .header('x-inertia', 'true')
      .redirects(0)
    assert.equal(restore.status(), 404)

    const saved = await client
      .put('/knowledge/policies')
      .loginAs(b.user)
      .withCsrfToken()
      .header('x-inertia', 'true')
      .json({ shippingPolicy: 'Envíos de la Tienda B' })
      .redirects(0)
    assert.equal(saved.status(), 303)

    const policyAfter = await client
      .get('/policies')
      .qs({ business_id: a.business.id })
      .bearerToken(tokenA)
    assert.deepEqual(policyAfter.body(), policyA)
    const promptAfter = await client
      .get('/agent/prompt')
      .qs({ business_id: a.business.id })
      .bearerToken(tokenA)
    assert.deepEqual(promptAfter.body(), promptA)

    await b.business.load('policy')
    assert.equal(b.business.policy.shippingPolicy, 'Envíos de la Tienda B')
  })
})
