import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { createOwnerWithBusiness } from '#tests/helpers/factories'
import { inertiaVisit } from '#tests/helpers/inertia'
import { SHOP_HOURS, SHOP_HOURS_TEXT, createAgentMember } from '#tests/helpers/knowledge'

const NEW_PROMPT = 'Eres el asistente de la tienda. Saluda, recomienda y cierra ventas.'

/**
 * The policies and prompt pages through their HTTP contract: Inertia
 * visits and form submissions with a session.
 */
test.group('Knowledge web pages', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('the owner saves policies, hours and FAQs from the policies page', async ({
    client,
    assert,
  }) => {
    const { user } = await createOwnerWithBusiness()

    const empty = await inertiaVisit(client, '/knowledge/policies', { user })
    empty.assertStatus(200)
    assert.equal(empty.body().component, 'knowledge/policies')
    assert.isNull(empty.body().props.policy)
    assert.deepEqual(empty.body().props.limits, { faqs: 40, rangesPerDay: 6 })

    const saved = await client
      .put('/knowledge/policies')
      .loginAs(user)
      .withCsrfToken()
      .header('x-inertia', 'true')
      .json({
        shippingPolicy: 'Enviamos a todo el país.',
        refundPolicy: null,
        brandVoice: '',
        allowedHours: SHOP_HOURS,
        faqs: [{ question: '¿Tienen tienda física?', answer: 'Sí, en el centro.' }],
      })
      .redirects(0)
    assert.equal(saved.status(), 303)
    assert.equal(saved.header('location'), '/knowledge/policies')
    assert.equal(saved.flashMessages().success, 'Políticas guardadas.')

    const page = await inertiaVisit(client, '/knowledge/policies', { user })
    assert.containSubset(page.body().props.policy, {
      shippingPolicy: 'Enviamos a todo el país.',
      refundPolicy: null,
      brandVoice: null,
      allowedHoursText: SHOP_HOURS_TEXT,
      faqs: [{ question: '¿Tienen tienda física?', answer: 'Sí, en el centro.' }],
    })
  })

  test('hour errors come back on the fields of the form, translated', async ({
    client,
    assert,
  }) => {
    const { user } = await createOwnerWithBusiness()

    const response = await client
      .put('/knowledge/policies')
      .loginAs(user)
      .withCsrfToken()
      .header('x-inertia', 'true')
      .header('accept-language', 'en')
      .json({
        allowedHours: {
          monday: [{ open: '18:00', close: '09:00' }],
          tuesday: [
            { open: '09:00', close: '14:00' },
            { open: '13:00', close: '18:00' },
          ],
        },
        faqs: [{ question: '¿Horario?', answer: '' }],
      })
      .redirects(0)

    assert.deepEqual(response.flashMessages().inputErrorsBag, {
      'allowedHours.monday.0': ['The closing time must be after the opening time.'],
      'allowedHours.tuesday': ['The Tuesday time ranges overlap. Check the hours.'],
      'faqs.0.answer': ['Enter the answer.'],
    })
    const page = await inertiaVisit(client, '/knowledge/policies', { user })
    assert.isNull(page.body().props.policy)
  })

  test('the prompt page shows the current prompt, the history and a chosen version', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness('Tienda Rosa')

    const page = await inertiaVisit(client, '/knowledge/prompt', { user })
    page.assertStatus(200)
    const props = page.body().props
    assert.equal(page.body().component, 'knowledge/prompt')
    assert.equal(props.business.id, business.id)
    assert.isTrue(props.business.botEnabled)
    assert.include(props.prompt.prompt, '«Tienda Rosa»')
    assert.deepEqual(props.limits, { min: 20, max: 20_000 })
    assert.isNull(props.selectedVersion)

    const chosen = await inertiaVisit(client, '/knowledge/prompt?version=1', { user })
    assert.containSubset(chosen.body().props.selectedVersion, {
      version: 1,
      prompt: props.prompt.prompt,
      author: null,
      source: 'default',
    })

    for (const version of ['99', '0', '1.5', 'abc', '2147483648']) {
      const missing = await inertiaVisit(client, `/knowledge/prompt?version=${version}`, { user })
      missing.assertStatus(200)
      assert.isNull(missing.body().props.selectedVersion, version)
    }
  })

  test('saving and restoring from the page add versions; the dashboard step is done', async ({
    client,
    assert,
  }) => {
    const { user } = await createOwnerWithBusiness()
    const before = await inertiaVisit(client, '/dashboard', { user })
    type Step = { key: string; done: boolean; href: string | null }
    const promptStep = (body: { props: { steps: Step[] } }) =>
      body.props.steps.find((step) => step.key === 'prompt')
    assert.deepEqual(promptStep(before.body()), {
      key: 'prompt',
      done: false,
      href: '/knowledge/prompt',
    })
    const first = await inertiaVisit(client, '/knowledge/prompt', { user })
    const original = first.body().props.prompt

    const saved = await client
      .post('/knowledge/prompt')
      .loginAs(user)
      .withCsrfToken()
      .header('x-inertia', 'true')
      .json({ prompt: NEW_PROMPT })
      .redirects(0)
    assert.equal(saved.header('location'), '/knowledge/prompt')
    assert.equal(saved.flashMessages().success, 'Prompt guardado como versión 2.')

    const restored = await client
      .post(`/knowledge/prompt/versions/${original.id}/restore`)
      .loginAs(user)
      .withCsrfToken()
      .header('x-inertia', 'true')
      .redirects(0)
    assert.equal(restored.flashMessages().success, 'Se restauró la versión 1 como versión 3.')

    const visit = await inertiaVisit(client, '/knowledge/prompt', { user })
    const page = visit.body().props.prompt
    assert.equal(page.version, 3)
    assert.equal(page.prompt, original.prompt)
    assert.equal(page.source, 'restore')
    assert.equal(page.restoredFromVersion, 1)
    assert.deepEqual(
      page.versions.map((v: { version: number; isCurrent: boolean }) => [v.version, v.isCurrent]),
      [
        [3, true],
        [2, false],
        [1, false],
      ]
    )

    const again = await client
      .post(`/knowledge/prompt/versions/${original.id}/restore`)
      .loginAs(user)
      .withCsrfToken()
      .header('x-inertia', 'true')
      .redirects(0)
    assert.equal(again.flashMessages().error, 'Esa versión tiene el mismo texto que la actual.')

    const after = await inertiaVisit(client, '/dashboard', { user })
    assert.isTrue(promptStep(after.body())!.done)
  })

  test('a prompt that is too short is answered on the prompt field', async ({ client, assert }) => {
    const { user } = await createOwnerWithBusiness()
    const response = await client
      .post('/knowledge/prompt')
      .loginAs(user)
      .withCsrfToken()
      .header('x-inertia', 'true')
      .json({ prompt: 'Hola' })
      .redirects(0)
    assert.deepEqual(response.flashMessages().inputErrorsBag, {
      prompt: ['El prompt es muy corto: escribe al menos 20 caracteres.'],
    })
  })

  test('a member who is not the owner sees the pages but cannot save', async ({
    client,
    assert,
  }) => {
    const { business } = await createOwnerWithBusiness()
    const agent = await createAgentMember(business)

    const page = await inertiaVisit(client, '/knowledge/prompt', { user: agent })
    page.assertStatus(200)
    assert.equal(page.body().props.business.role, 'agent')
    const versionId = page.body().props.prompt.id

    for (const request of [
      client.post('/knowledge/prompt').json({ prompt: NEW_PROMPT }),
      client.post(`/knowledge/prompt/versions/${versionId}/restore`),
      client.put('/knowledge/policies').json({ shippingPolicy: 'Del agente' }),
    ]) {
      const response = await request
        .loginAs(agent)
        .withCsrfToken()
        .header('x-inertia', 'true')
        .redirects(0)
      assert.oneOf(response.status(), [302, 303])
      assert.equal(response.flashMessages().error, 'No tienes permiso para hacer esto.')
    }

    await business.load('agentPrompts')
    assert.lengthOf(business.agentPrompts, 1)
    await business.load('policy')
    assert.isNull(business.policy)
  })
})
