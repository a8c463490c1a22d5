import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'
import Business from '#models/business'
import { FakeOpenAI } from '#tests/helpers/fake_openai'
import { createOwnerWithBusiness, createUser, tokenFor } from '#tests/helpers/factories'

const VALID_KEY = 'sk-test-valid-0123456789abcdefWXYZ'

test.group('API businesses', (group) => {
  const openai = new FakeOpenAI()
  let previousBaseUrl: string | undefined
  let previousAllowed: string | undefined

  group.setup(async () => {
    await openai.start()
    previousBaseUrl = env.get('OPENAI_BASE_URL')
    previousAllowed = env.get('AI_PROVIDER_ALLOWED_HOSTS')
    env.set('OPENAI_BASE_URL', openai.baseUrl)
    /**
     * A business's own URL may be on 127.0.0.1 only as the operator allows.
     */
    env.set('AI_PROVIDER_ALLOWED_HOSTS', `${new URL(openai.baseUrl).host},127.0.0.1:9`)
    return async () => {
      env.set('OPENAI_BASE_URL', previousBaseUrl ?? '')
      env.set('AI_PROVIDER_ALLOWED_HOSTS', previousAllowed ?? '')
      await openai.stop()
    }
  })
  group.each.setup(() => {
    openai.reset()
    openai.acceptedKeys.add(VALID_KEY)
    return testUtils.db().withGlobalTransaction()
  })

  test('creates a business with sensible defaults and lists it', async ({ client, assert }) => {
    const token = await tokenFor(await createUser())

    const created = await client.post('/business').bearerToken(token).json({
      name: 'Zapatería Rosa',
      industry: 'Calzado',
      description: 'Zapatos para toda ocasión',
    })

    created.assertStatus(201)
    assert.containSubset(created.body(), {
      name: 'Zapatería Rosa',
      industry: 'Calzado',
      currency: 'MXN',
      timezone: 'America/Mexico_City',
      country: 'MX',
      openaiModel: 'gpt-4.1-mini',
      openaiBaseUrl: null,
      botEnabled: true,
      hasOpenaiKey: false,
      role: 'owner',
    })

    const list = await client.get('/business').bearerToken(token)
    list.assertStatus(200)
    assert.deepEqual(
      list.body().map((b: { name: string }) => b.name),
      ['Zapatería Rosa']
    )
  })

  test('updates the profile and validates currency, time zone and country', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)

    const updated = await client
      .put(`/business/${business.id}`)
      .bearerToken(token)
      .json({ name: 'Tienda Nueva', currency: 'cop', timezone: 'America/Bogota', country: 'co' })
    updated.assertStatus(200)
    assert.containSubset(updated.body(), {
      name: 'Tienda Nueva',
      currency: 'COP',
      timezone: 'America/Bogota',
      country: 'CO',
    })

    const invalid = await client
      .put(`/business/${business.id}`)
      .bearerToken(token)
      .json({ currency: 'PESOS', timezone: 'Mars/Olympus', country: 'XX' })
    invalid.assertStatus(422)
    const fields = invalid.body().errors.map((error: { field: string }) => error.field)
    assert.includeMembers(fields, ['currency', 'timezone', 'country'])
    assert.include(
      invalid.body().errors.map((error: { message: string }) => error.message),
      'Elige un valor válido para país.'
    )

    await business.refresh()
    assert.equal(business.name, 'Tienda Nueva')
    assert.equal(business.country, 'CO')
  })

  test('a new business gets the country it is given', async ({ client, assert }) => {
    const token = await tokenFor(await createUser())
    const created = await client
      .post('/business')
      .bearerToken(token)
      .json({ name: 'Loja Rosa', country: 'BR', currency: 'BRL', timezone: 'America/Sao_Paulo' })
    created.assertStatus(201)
    assert.equal(created.body().country, 'BR')
  })

  test('verifies an OpenAI key with the provider, stores it encrypted and never echoes it', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)

    const response = await client
      .put(`/business/${business.id}/openai`)
      .bearerToken(token)
      .json({ openaiApiKey: VALID_KEY, openaiModel: 'gpt-4.1' })

    response.assertStatus(200)
    assert.containSubset(response.body(), {
      hasOpenaiKey: true,
      openaiKeyLast4: 'WXYZ',
      openaiModel: 'gpt-4.1',
    })
    assert.notInclude(JSON.stringify(response.body()), VALID_KEY)
    assert.notInclude(JSON.stringify(response.headers()), VALID_KEY)

    const [check] = openai.requests
    assert.equal(check.path, '/v1/models')
    assert.equal(check.authorization, `Bearer ${VALID_KEY}`)

    const row = await db.from('businesses').where('id', business.id).firstOrFail()
    assert.notInclude(row.openai_api_key, VALID_KEY)
    const stored = await Business.findOrFail(business.id)
    assert.equal(stored.revealOpenaiApiKey(), VALID_KEY)

    const me = await client.get('/auth/me').bearerToken(token)
    assert.notInclude(JSON.stringify(me.body()), VALID_KEY)
  })

  test('answers 422 with a clear message when the provider rejects the key', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)
    const rejectedKey = 'sk-test-rejected-0123456789abcdef'

    const response = await client
      .put(`/business/${business.id}/openai`)
      .bearerToken(token)
      .json({ openaiApiKey: rejectedKey })

    response.assertStatus(422)
    assert.equal(
      response.body().message,
      'El proveedor rechazó esta clave. Revisa que esté completa y activa.'
    )
    assert.notInclude(JSON.stringify(response.body()), rejectedKey)

    await business.refresh()
    assert.isNull(business.openaiApiKey)
  })

  test('honours a per-business provider URL and reports an unreachable provider', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)

    const viaOwnUrl = await client
      .put(`/business/${business.id}/openai`)
      .bearerToken(token)
      .json({ openaiApiKey: VALID_KEY, openaiBaseUrl: openai.baseUrl })
    viaOwnUrl.assertStatus(200)
    assert.equal(viaOwnUrl.body().openaiBaseUrl, openai.baseUrl)

    const unreachable = await client
      .put(`/business/${business.id}/openai`)
      .bearerToken(token)
      .json({ openaiApiKey: VALID_KEY, openaiBaseUrl: 'http://127.0.0.1:9/v1' })
    unreachable.assertStatus(422)
    assert.match(unreachable.body().message, /no pudimos usar tu clave con el proveedor/)
    assert.equal(unreachable.body().errors[0].field, 'openaiBaseUrl')

    await business.refresh()
    assert.equal(business.openaiBaseUrl, openai.baseUrl)
  })

  test('switches the bot on and off', async ({ client, assert }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)

    const off = await client
      .put(`/business/${business.id}/bot-toggle`)
      .bearerToken(token)
      .json({ botEnabled: false })
    off.assertStatus(200)
    assert.isFalse(off.body().botEnabled)

    const invalid = await client
      .put(`/business/${business.id}/bot-toggle`)
      .bearerToken(token)
      .json({ botEnabled: 'maybe' })
    invalid.assertStatus(422)

    await business.refresh()
    assert.isFalse(business.botEnabled)
  })
})
