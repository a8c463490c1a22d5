import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import app from '@adonisjs/core/services/app'
import BusinessKnowledge from '#services/business_knowledge'
import { createOwnerWithBusiness, tokenFor } from '#tests/helpers/factories'
import {
  SHOP_HOURS,
  SHOP_HOURS_TEXT,
  createAgentMember,
  fieldErrors,
} from '#tests/helpers/knowledge'

const CLOSED_DAY: never[] = []

test.group('API policies', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('creates the policy with hours and FAQs, then reads it back', async ({ client, assert }) => {
    const { user, business } = await createOwnerWithBusiness('Zapatería Rosa')
    const token = await tokenFor(user)

    const created = await client
      .post('/policies')
      .bearerToken(token)
      .json({
        business_id: business.id,
        shippingPolicy: '  Enviamos a todo México en 3 a 5 días.  ',
        refundPolicy: 'Cambios dentro de 15 días con ticket.',
        brandVoice: 'Cercano, de tú.',
        allowedHours: {
          ...SHOP_HOURS,
          monday: [
            { open: '16:00', close: '18:00' },
            { open: '09:00', close: '14:00' },
          ],
        },
        faqs: [
          { question: '¿Tienen tienda física?', answer: 'Sí, en el centro.' },
          { question: '¿Aceptan tarjeta?', answer: 'Sí, todas.' },
        ],
      })

    created.assertStatus(201)
    const body = created.body()
    assert.containSubset(body, {
      businessId: business.id,
      shippingPolicy: 'Enviamos a todo México en 3 a 5 días.',
      refundPolicy: 'Cambios dentro de 15 días con ticket.',
      brandVoice: 'Cercano, de tú.',
      timezone: 'America/Mexico_City',
      allowedHoursText:
        'Lunes de 9:00 a 14:00 y de 16:00 a 18:00; martes a viernes de 9:00 a 18:00; sábado de 10:00 a 14:00; domingo cerrado',
      faqs: [
        { question: '¿Tienen tienda física?', answer: 'Sí, en el centro.' },
        { question: '¿Aceptan tarjeta?', answer: 'Sí, todas.' },
      ],
    })
    assert.deepEqual(body.allowedHours.monday, [
      { open: '09:00', close: '14:00' },
      { open: '16:00', close: '18:00' },
    ])
    assert.deepEqual(body.allowedHours.sunday, CLOSED_DAY)

    const read = await client.get('/policies').qs({ business_id: business.id }).bearerToken(token)
    read.assertStatus(200)
    assert.deepEqual(read.body(), body)
  })

  test('the seed’s hours as a string: read into the week when they can be, else kept as text the agent reads', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness('Papelería Sol')
    const token = await tokenFor(user)

    const created = await client
      .post('/policies')
      .bearerToken(token)
      .json({ business_id: business.id, allowedHours: 'Lun-Sáb 9:00-19:00' })
    created.assertStatus(201)
    assert.containSubset(created.body(), {
      allowedHoursReadAs: 'week',
      hoursNote: null,
      allowedHoursText: 'Lunes a sábado de 9:00 a 19:00; domingo cerrado',
    })
    assert.deepEqual(created.body().allowedHours.saturday, [{ open: '09:00', close: '19:00' }])

    const asText = await client
      .put(`/policies/${created.body().id}`)
      .bearerToken(token)
      .json({ allowedHours: 'Con cita previa, escríbenos' })
    asText.assertStatus(200)
    assert.containSubset(asText.body(), {
      allowedHoursReadAs: 'text',
      allowedHours: null,
      hoursNote: 'Con cita previa, escríbenos',
      allowedHoursText: 'Con cita previa, escríbenos',
    })

    // What the agent is told.
    const knowledge = await app.container.make(BusinessKnowledge)
    assert.include(
      await knowledge.promptContext(business),
      'Como lo escribió el negocio: «Con cita previa, escríbenos»'
    )

    // The week given again replaces the text.
    const week = await client
      .put(`/policies/${created.body().id}`)
      .bearerToken(token)
      .json({ allowedHours: SHOP_HOURS })
    assert.containSubset(week.body(), { allowedHoursReadAs: 'week', hoursNote: null })

    const neither = await client
      .put(`/policies/${created.body().id}`)
      .bearerToken(token)
      .json({ allowedHours: 42 })
    neither.assertStatus(422)
    assert.deepEqual(Object.keys(fieldErrors(neither.body())), ['allowedHours'])
    assert.include(fieldErrors(neither.body()).allowedHours, '"Lun-Sáb 9:00-19:00"')
  })

  test('answers 409 when the business already has its policy', async ({ client, assert }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)

    const first = await client
      .post('/policies')
      .bearerToken(token)
      .json({ business_id: business.id, shippingPolicy: 'Primera versión' })
    first.assertStatus(201)

    const second = await client
      .post('/policies')
      .bearerToken(token)
      .json({ business_id: business.id, shippingPolicy: 'Otra' })
    second.assertStatus(409)
    assert.equal(
      second.body().message,
      'Este negocio ya tiene sus políticas guardadas. Actualízalas en lugar de crear otras.'
    )

    const read = await client.get('/policies').qs({ business_id: business.id }).bearerToken(token)
    assert.equal(read.body().shippingPolicy, 'Primera versión')
    assert.equal(read.body().id, first.body().id)
  })

  test('PUT changes only what it is sent; null or blank clears; FAQs are replaced in order', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)
    const created = await client
      .post('/policies')
      .bearerToken(token)
      .json({
        business_id: business.id,
        shippingPolicy: 'Envíos gratis',
        refundPolicy: 'Sin devoluciones',
        allowedHours: SHOP_HOURS,
        faqs: [
          { question: 'Pregunta uno', answer: 'Uno' },
          { question: 'Pregunta dos', answer: 'Dos' },
        ],
      })
    const id = created.body().id

    const updated = await client
      .put(`/policies/${id}`)
      .bearerToken(token)
      .json({
        shippingPolicy: '   ',
        refundPolicy: null,
        brandVoice: 'Formal, de usted.',
        faqs: [
          { question: 'Pregunta dos', answer: 'Dos, corregida' },
          { question: 'Pregunta tres', answer: 'Tres' },
        ],
      })
    updated.assertStatus(200)
    assert.containSubset(updated.body(), {
      id,
      shippingPolicy: null,
      refundPolicy: null,
      brandVoice: 'Formal, de usted.',
      allowedHoursText: SHOP_HOURS_TEXT,
    })
    assert.deepEqual(updated.body().faqs, [
      { question: 'Pregunta dos', answer: 'Dos, corregida' },
      { question: 'Pregunta tres', answer: 'Tres' },
    ])

    const cleared = await client
      .put(`/policies/${id}`)
      .bearerToken(token)
      .json({ allowedHours: null, faqs: [] })
    cleared.assertStatus(200)
    assert.isNull(cleared.body().allowedHours)
    assert.isNull(cleared.body().allowedHoursText)
    assert.deepEqual(cleared.body().faqs, [])
    assert.equal(cleared.body().brandVoice, 'Formal, de usted.')
  })

  test('GET answers 404 with a clear message until the policy is created', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    const response = await client
      .get('/policies')
      .qs({ business_id: business.id })
      .bearerToken(await tokenFor(user))
    response.assertStatus(404)
    assert.equal(response.body().message, 'Este negocio aún no tiene políticas guardadas.')
  })

  test('opening hours are validated with messages in Spanish', async ({ client, assert }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)

    const response = await client
      .post('/policies')
      .bearerToken(token)
      .json({
        business_id: business.id,
        allowedHours: {
          monday: [{ open: '9:00', close: '18:00' }],
          tuesday: [{ open: '18:00', close: '09:00' }],
          wednesday: [
            { open: '09:00', close: '14:00' },
            { open: '13:00', close: '18:00' },
          ],
          thursday: [{ open: '09:00', close: '24:30' }],
          friday: [{ open: '24:00', close: '24:00' }],
        },
      })

    response.assertStatus(422)
    assert.deepEqual(fieldErrors(response.body()), {
      'allowedHours.monday.0.open':
        'Escribe la hora de apertura en formato HH:MM, por ejemplo 09:30.',
      'allowedHours.tuesday.0': 'La hora de cierre debe ser posterior a la de apertura.',
      'allowedHours.wednesday': 'Los horarios del miércoles se superponen. Revisa las horas.',
      'allowedHours.thursday.0.close':
        'Escribe la hora de cierre en formato HH:MM, por ejemplo 09:30.',
      'allowedHours.friday.0.open':
        'Escribe la hora de apertura en formato HH:MM, por ejemplo 09:30.',
    })

    const nothing = await client
      .get('/policies')
      .qs({ business_id: business.id })
      .bearerToken(token)
    nothing.assertStatus(404)
  })

  test('ranges that touch are fine; a day must be a list and days must exist', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)

    const unknownDay = await client
      .post('/policies')
      .bearerToken(token)
      .json({ business_id: business.id, allowedHours: { lunes: [] } })
    unknownDay.assertStatus(422)
    assert.deepEqual(fieldErrors(unknownDay.body()), {
      allowedHours:
        'Días no válidos en horario de atención: lunes. Usa monday, tuesday, wednesday, thursday, friday, saturday o sunday.',
    })

    const notAList = await client
      .post('/policies')
      .bearerToken(token)
      .json({ business_id: business.id, allowedHours: { monday: 'todo el día' } })
    notAList.assertStatus(422)
    assert.deepEqual(fieldErrors(notAList.body()), {
      'allowedHours.monday': 'El campo lunes debe ser una lista.',
    })

    const touching = await client
      .post('/policies')
      .bearerToken(token)
      .json({
        business_id: business.id,
        allowedHours: {
          friday: [
            { open: '09:00', close: '14:00' },
            { open: '14:00', close: '24:00' },
          ],
        },
      })
    touching.assertStatus(201)
    assert.equal(
      touching.body().allowedHoursText,
      'Lunes a jueves cerrado; viernes de 9:00 a 14:00 y de 14:00 a 24:00; sábado y domingo cerrado'
    )
  })

  test('messages are in English with accept-language: en', async ({ client, assert }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)

    const response = await client
      .post('/policies')
      .bearerToken(token)
      .header('accept-language', 'en')
      .json({
        business_id: business.id,
        brandVoice: 'x'.repeat(1501),
        allowedHours: {
          monday: [{ open: '18:00', close: '09:00' }],
          saturday: [
            { open: '10:00', close: '14:00' },
            { open: '11:00', close: '12:00' },
          ],
        },
        faqs: [{ question: '', answer: 'Sí' }],
      })

    response.assertStatus(422)
    assert.deepEqual(fieldErrors(response.body()), {
      'brandVoice': 'The brand voice cannot be longer than 1500 characters.',
      'allowedHours.monday.0': 'The closing time must be after the opening time.',
      'allowedHours.saturday': 'The Saturday time ranges overlap. Check the hours.',
      'faqs.0.question': 'Enter the question.',
    })

    const created = await client
      .post('/policies')
      .bearerToken(token)
      .header('accept-language', 'en')
      .json({ business_id: business.id, allowedHours: SHOP_HOURS })
    assert.equal(
      created.body().allowedHoursText,
      'Monday to Friday from 9:00 AM to 6:00 PM; Saturday from 10:00 AM to 2:00 PM; Sunday closed'
    )
  })

  test('the business and the FAQ list are required and bounded', async ({ client, assert }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)

    const noBusiness = await client.post('/policies').bearerToken(token).json({})
    noBusiness.assertStatus(422)
    assert.deepEqual(fieldErrors(noBusiness.body()), {
      business_id: 'Indica el negocio (business_id).',
    })

    const noQuery = await client.get('/policies').bearerToken(token)
    noQuery.assertStatus(422)

    const tooMany = await client
      .post('/policies')
      .bearerToken(token)
      .json({
        business_id: business.id,
        faqs: Array.from({ length: 41 }, (_, index) => ({
          question: `Pregunta ${index}`,
          answer: 'Respuesta',
        })),
      })
    tooMany.assertStatus(422)
    assert.deepEqual(fieldErrors(tooMany.body()), {
      faqs: 'El campo preguntas frecuentes no puede tener más de 40 elementos.',
    })
  })

  test('a member who is not the owner can read the policy but not change it', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    const ownerToken = await tokenFor(user)
    const agentToken = await tokenFor(await createAgentMember(business))

    const forbiddenCreate = await client
      .post('/policies')
      .bearerToken(agentToken)
      .json({ business_id: business.id, shippingPolicy: 'Del agente' })
    forbiddenCreate.assertStatus(403)

    const created = await client
      .post('/policies')
      .bearerToken(ownerToken)
      .json({ business_id: business.id, shippingPolicy: 'De la dueña' })

    const read = await client
      .get('/policies')
      .qs({ business_id: business.id })
      .bearerToken(agentToken)
    read.assertStatus(200)
    assert.equal(read.body().shippingPolicy, 'De la dueña')

    const forbiddenUpdate = await client
      .put(`/policies/${created.body().id}`)
      .bearerToken(agentToken)
      .json({ shippingPolicy: 'Del agente' })
    forbiddenUpdate.assertStatus(403)

    const after = await client
      .get('/policies')
      .qs({ business_id: business.id })
      .bearerToken(ownerToken)
    assert.equal(after.body().shippingPolicy, 'De la dueña')
  })
})
