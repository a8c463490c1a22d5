import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { createOwnerWithBusiness, createUser, tokenFor } from '#tests/helpers/factories'
import { createAgentMember, fieldErrors } from '#tests/helpers/knowledge'

const NEW_PROMPT = 'Eres el asistente de Zapatería Rosa. Responde breve y con calidez.'

test.group('API agent prompt', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a new business starts with a Spanish default prompt, version 1 by Atiende', async ({
    client,
    assert,
  }) => {
    const token = await tokenFor(await createUser({ fullName: 'Rosa Pérez' }))
    const business = await client.post('/business').bearerToken(token).json({
      name: 'Zapatería Rosa',
      industry: 'Calzado',
      description: 'Zapatos hechos a mano en León.',
    })

    const response = await client
      .get('/agent/prompt')
      .qs({ business_id: business.body().id })
      .bearerToken(token)

    response.assertStatus(200)
    const body = response.body()
    assert.containSubset(body, { version: 1, author: null, source: 'default' })
    assert.include(body.prompt, 'Eres el asistente de ventas por WhatsApp de «Zapatería Rosa»')
    assert.include(body.prompt, 'Calzado')
    assert.include(body.prompt, 'Zapatos hechos a mano en León.')
    assert.include(body.prompt, 'Nunca inventes precios')
    assert.lengthOf(body.versions, 1)
    assert.containSubset(body.versions[0], {
      id: body.id,
      version: 1,
      author: null,
      isCurrent: true,
      source: 'default',
    })
    const oneLine = body.prompt.replace(/\s+/g, ' ')
    assert.isTrue(oneLine.startsWith(body.versions[0].preview.replace(/…$/, '')))
  })

  test('the default prompt is in English for a business whose language is English', async ({
    client,
    assert,
  }) => {
    const token = await tokenFor(await createUser())
    const business = await client
      .post('/business')
      .bearerToken(token)
      .json({ name: 'Rose Shoes', locale: 'en' })

    const response = await client
      .get('/agent/prompt')
      .qs({ business_id: business.body().id })
      .bearerToken(token)

    assert.include(response.body().prompt, 'You are the WhatsApp sales assistant of "Rose Shoes".')
    assert.notInclude(response.body().prompt, 'Eres')
  })

  test('every save is a new version by its author; the latest is current', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    user.fullName = 'Rosa Pérez'
    await user.save()
    const token = await tokenFor(user)
    const v1 = await client.get('/agent/prompt').qs({ business_id: business.id }).bearerToken(token)

    const v2 = await client
      .post('/agent/prompt')
      .bearerToken(token)
      .json({ business_id: business.id, prompt: `  ${NEW_PROMPT}\r\nSegunda línea.  ` })
    v2.assertStatus(201)
    assert.containSubset(v2.body(), {
      version: 2,
      prompt: `${NEW_PROMPT}\nSegunda línea.`,
      author: { id: user.id, name: 'Rosa Pérez' },
      source: 'edit',
    })

    /**
     * PUT names any version of the business; the text becomes version 3.
     */
    const v3 = await client
      .put(`/agent/prompt/${v1.body().id}`)
      .bearerToken(token)
      .json({ prompt: v1.body().prompt })
    v3.assertStatus(200)
    const body = v3.body()
    assert.equal(body.version, 3)
    assert.equal(body.prompt, v1.body().prompt)
    assert.deepEqual(
      body.versions.map((v: { version: number; isCurrent: boolean }) => [v.version, v.isCurrent]),
      [
        [3, true],
        [2, false],
        [1, false],
      ]
    )
    assert.deepEqual(
      body.versions.map((v: { author: { name: string } | null }) => v.author?.name ?? null),
      ['Rosa Pérez', 'Rosa Pérez', null]
    )
    assert.equal(body.versions[1].preview, `${NEW_PROMPT} Segunda línea.`)
    assert.isTrue(body.versions[0].preview.endsWith('…'))
    assert.isAtMost(body.versions[0].preview.length, 140)

    const read = await client
      .get('/agent/prompt')
      .qs({ business_id: business.id })
      .bearerToken(token)
    assert.deepEqual(read.body(), body)
  })

  test('saving the same text as the current version is refused', async ({ client, assert }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)
    await client
      .post('/agent/prompt')
      .bearerToken(token)
      .json({ business_id: business.id, prompt: NEW_PROMPT })

    const again = await client
      .post('/agent/prompt')
      .bearerToken(token)
      .json({ business_id: business.id, prompt: `${NEW_PROMPT}\n` })
    again.assertStatus(422)
    assert.deepEqual(fieldErrors(again.body()), {
      prompt: 'El prompt es igual a la versión actual: no hay cambios que guardar.',
    })

    const read = await client
      .get('/agent/prompt')
      .qs({ business_id: business.id })
      .bearerToken(token)
    assert.equal(read.body().version, 2)
  })

  test('the prompt is validated, in Spanish and in English', async ({ client, assert }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)
    const current = await client
      .get('/agent/prompt')
      .qs({ business_id: business.id })
      .bearerToken(token)

    const tooShort = await client
      .post('/agent/prompt')
      .bearerToken(token)
      .json({ business_id: business.id, prompt: '   Sé amable.   ' })
    tooShort.assertStatus(422)
    assert.deepEqual(fieldErrors(tooShort.body()), {
      prompt: 'El prompt es muy corto: escribe al menos 20 caracteres.',
    })

    const tooLong = await client
      .put(`/agent/prompt/${current.body().id}`)
      .bearerToken(token)
      .header('accept-language', 'en')
      .json({ prompt: 'a'.repeat(20_001) })
    tooLong.assertStatus(422)
    assert.deepEqual(fieldErrors(tooLong.body()), {
      prompt: 'The prompt is too long: it can have up to 20000 characters.',
    })

    const missing = await client.post('/agent/prompt').bearerToken(token).json({})
    missing.assertStatus(422)
    assert.deepEqual(fieldErrors(missing.body()), {
      business_id: 'Indica el negocio (business_id).',
      prompt: 'Escribe las instrucciones de tu asistente.',
    })

    const read = await client
      .get('/agent/prompt')
      .qs({ business_id: business.id })
      .bearerToken(token)
    assert.equal(read.body().version, 1)
  })

  test('a member who is not the owner can read the prompt but not change it', async ({
    client,
    assert,
  }) => {
    const { business } = await createOwnerWithBusiness()
    const token = await tokenFor(await createAgentMember(business))

    const read = await client
      .get('/agent/prompt')
      .qs({ business_id: business.id })
      .bearerToken(token)
    read.assertStatus(200)

    const created = await client
      .post('/agent/prompt')
      .bearerToken(token)
      .json({ business_id: business.id, prompt: NEW_PROMPT })
    created.assertStatus(403)

    const updated = await client
      .put(`/agent/prompt/${read.body().id}`)
      .bearerToken(token)
      .json({ prompt: NEW_PROMPT })
    updated.assertStatus(403)

    const after = await client
      .get('/agent/prompt')
      .qs({ business_id: business.id })
      .bearerToken(token)
    assert.equal(after.body().version, 1)
  })
})
