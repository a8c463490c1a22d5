import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import env from '#start/env'
import { FakeOpenAI } from '#tests/helpers/fake_openai'
import { createOwnerWithBusiness, createUser } from '#tests/helpers/factories'
import { CURRENT_BUSINESS_KEY } from '#middleware/current_business_middleware'
import { inertiaVisit } from '#tests/helpers/inertia'

const VALID_KEY = 'sk-test-valid-web-0123456789abcdWXYZ'

/**
 * The web app through its HTTP contract: Inertia visits (X-Inertia) and
 * form posts with a session and a CSRF token.
 */
test.group('Web app', (group) => {
  const openai = new FakeOpenAI()

  group.setup(async () => {
    await openai.start()
    const previous = env.get('OPENAI_BASE_URL')
    env.set('OPENAI_BASE_URL', openai.baseUrl)
    return async () => {
      env.set('OPENAI_BASE_URL', previous ?? '')
      await openai.stop()
    }
  })
  group.each.setup(() => {
    openai.reset()
    openai.acceptedKeys.add(VALID_KEY)
    return testUtils.db().withGlobalTransaction()
  })

  test('protected pages send guests to the login page', async ({ client, assert }) => {
    const response = await client.get('/dashboard').redirects(0)
    response.assertStatus(302)
    assert.equal(response.header('location'), '/login')
  })

  test('a new owner registers and is taken to the onboarding wizard', async ({
    client,
    assert,
  }) => {
    const response = await client
      .post('/register')
      .withCsrfToken()
      .form({ name: 'Rosa Pérez', email: 'rosa@example.com', password: 'secreta123' })
      .redirects(0)

    response.assertStatus(302)
    assert.equal(response.header('location'), '/onboarding')
  })

  test('an owner without a business is sent to onboarding, then creates one', async ({
    client,
    assert,
  }) => {
    const user = await createUser()

    const dashboard = await client.get('/dashboard').loginAs(user).redirects(0)
    assert.equal(dashboard.header('location'), '/onboarding')

    const created = await client
      .post('/onboarding')
      .loginAs(user)
      .withCsrfToken()
      .form({
        name: 'Zapatería Rosa',
        industry: 'Calzado',
        currency: 'COP',
        timezone: 'America/Bogota',
        country: 'CO',
      })
      .redirects(0)
    assert.equal(created.header('location'), '/onboarding/ai')

    const businesses = await user.related('businesses').query()
    assert.lengthOf(businesses, 1)
    assert.containSubset(businesses[0].serialize(), {
      name: 'Zapatería Rosa',
      currency: 'COP',
      timezone: 'America/Bogota',
      country: 'CO',
    })
  })

  test('the dashboard shows setup progress for the current business', async ({
    client,
    assert,
  }) => {
    const { user } = await createOwnerWithBusiness('Tienda Rosa')

    const page = await inertiaVisit(client, '/dashboard', { user })
    page.assertStatus(200)
    const body = page.body()
    assert.equal(body.component, 'dashboard')
    assert.equal(body.props.business.name, 'Tienda Rosa')
    assert.deepEqual(
      body.props.steps.map((step: { key: string; done: boolean }) => [step.key, step.done]),
      [
        ['business', true],
        ['ai_key', false],
        ['whatsapp', false],
        ['products', false],
        ['prompt', false],
      ]
    )
    assert.equal(body.props.locale, 'es')
  })

  test('saving the AI key through the web verifies it and never sends it back', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()

    const saved = await client
      .put('/settings/ai')
      .loginAs(user)
      .withCsrfToken()
      .header('x-inertia', 'true')
      .json({ openaiApiKey: VALID_KEY, openaiModel: 'gpt-4.1-mini' })
      .redirects(0)
    assert.oneOf(saved.status(), [302, 303])

    const page = await inertiaVisit(client, '/settings/ai', { user })
    const text = JSON.stringify(page.body())
    assert.notInclude(text, VALID_KEY)
    assert.equal(page.body().props.business.openaiKeyLast4, 'WXYZ')
    assert.isTrue(page.body().props.business.hasOpenaiKey)

    await business.refresh()
    assert.equal(business.revealOpenaiApiKey(), VALID_KEY)
  })

  test('a rejected key is reported on the key field, translated', async ({ client, assert }) => {
    const { user } = await createOwnerWithBusiness()

    const response = await client
      .put('/settings/ai')
      .loginAs(user)
      .withCsrfToken()
      .header('x-inertia', 'true')
      .json({ openaiApiKey: 'sk-test-rejected-key-000000000', openaiModel: 'gpt-4.1-mini' })
      .redirects(0)

    assert.deepEqual(response.flashMessages().inputErrorsBag, {
      openaiApiKey: ['El proveedor rechazó esta clave. Revisa que esté completa y activa.'],
    })
  })

  test('voice notes and photos: the owner chooses, and a bad choice is a field error', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    const put = (body: Record<string, unknown>) =>
      client
        .put('/settings/media')
        .loginAs(user)
        .withCsrfToken()
        .header('x-inertia', 'true')
        .json(body)
        .redirects(0)

    const refused = await put({
      understandMedia: true,
      unheardAudio: 'ask',
      transcriptionModel: 'gpt-9-transcribe',
    })
    assert.property(refused.flashMessages().inputErrorsBag, 'transcriptionModel')
    await business.refresh()
    assert.equal(business.transcriptionModel, 'gpt-4o-mini-transcribe', 'nothing half-written')

    await put({ understandMedia: false, unheardAudio: 'human', transcriptionModel: 'whisper-1' })
    await business.refresh()
    assert.isFalse(business.understandMedia)
    assert.equal(business.unheardAudio, 'human')
    assert.equal(business.transcriptionModel, 'whisper-1')

    const page = await inertiaVisit(client, '/settings/ai', { user })
    assert.containSubset(page.body().props.business, {
      understandMedia: false,
      unheardAudio: 'human',
      transcriptionModel: 'whisper-1',
    })
    assert.include(page.body().props.transcriptionModels, 'gpt-4o-mini-transcribe')
  })
  test('the business switcher only accepts the user’s own businesses', async ({
    client,
    assert,
  }) => {
    const a = await createOwnerWithBusiness('Tienda A')
    const b = await createOwnerWithBusiness('Tienda B')

    const foreign = await client
      .post('/businesses/switch')
      .loginAs(b.user)
      .withCsrfToken()
      .form({ businessId: a.business.id })
      .redirects(0)
    foreign.assertStatus(404)

    const page = await inertiaVisit(client, '/dashboard', {
      user: b.user,
      session: { [CURRENT_BUSINESS_KEY]: a.business.id },
    })
    assert.equal(page.body().props.business.name, 'Tienda B')
  })

  test('switching the language answers in English from then on', async ({ client, assert }) => {
    const { user } = await createOwnerWithBusiness()

    const switched = await client
      .post('/locale')
      .loginAs(user)
      .withCsrfToken()
      .form({ locale: 'en' })
      .redirects(0)
    assert.equal(switched.cookie('atiende_locale')?.value, 'en')

    await user.refresh()
    assert.equal(user.locale, 'en')

    const page = await inertiaVisit(client, '/dashboard', { user, locale: 'en' })
    assert.equal(page.body().props.locale, 'en')
  })

  test('the page shell says which language the page is in', async ({ client, assert }) => {
    const spanish = await client.get('/login')
    assert.include(spanish.text(), '<html lang="es">')

    const english = await client.get('/login').header('accept-language', 'en-US,en;q=0.9')
    assert.include(english.text(), '<html lang="en">')
  })
})
