import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { DateTime } from 'luxon'
import BusinessKnowledge from '#services/business_knowledge'
import SavePolicy from '#actions/knowledge/save_policy'
import SavePromptVersion from '#actions/knowledge/save_prompt_version'
import { createOwnerWithBusiness } from '#tests/helpers/factories'
import { SHOP_HOURS } from '#tests/helpers/knowledge'

/**
 * What the AI agent will be given: hours read in the business's time
 * zone and the compact text of its policies and FAQs.
 */
test.group('Business knowledge for the agent', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('answers whether the business is open in its own time zone', async ({ assert }) => {
    const { business } = await createOwnerWithBusiness()
    business.timezone = 'America/Bogota'
    await business.save()
    const knowledge = new BusinessKnowledge()
    const mondayMorningUtc = DateTime.fromISO('2026-01-12T14:30:00Z')

    assert.isNull(await knowledge.isOpenAt(business, mondayMorningUtc), 'no hours yet: unknown')
    assert.isNull(await knowledge.nextOpeningAt(business, mondayMorningUtc))

    await new SavePolicy().handle({
      business,
      changes: { allowedHours: SHOP_HOURS },
      mode: 'create',
    })

    // 09:30 in Bogotá (UTC-5).
    assert.isTrue(await knowledge.isOpenAt(business, mondayMorningUtc))
    // Saturday 20:00 UTC is 15:00 in Bogotá: closed until Monday 09:00.
    const saturday = DateTime.fromISO('2026-01-17T20:00:00Z')
    assert.isFalse(await knowledge.isOpenAt(business, saturday))
    assert.equal(
      (await knowledge.nextOpeningAt(business, saturday))!.toISO(),
      '2026-01-19T09:00:00.000-05:00'
    )
  })

  test('writes policies, hours and FAQs as sections for the system prompt', async ({ assert }) => {
    const { user, business } = await createOwnerWithBusiness('Zapatería Rosa')
    await new SavePolicy().handle({
      business,
      mode: 'create',
      changes: {
        shippingPolicy: 'Envíos a todo México en 3 a 5 días.',
        refundPolicy: null,
        brandVoice: 'Cercano, de tú.',
        allowedHours: SHOP_HOURS,
        faqs: [
          { question: '¿Tienen tienda física?', answer: 'Sí, en el centro de León.' },
          { question: '¿Aceptan tarjeta?', answer: 'Sí.' },
        ],
      },
    })
    await new SavePromptVersion().handle({
      business,
      author: user,
      content: 'Eres el asistente de Zapatería Rosa. Vende con calidez.',
    })

    // Friday 2026-01-16 at 19:10 in Mexico City (UTC-6): closed.
    const now = DateTime.fromISO('2026-01-17T01:10:00Z')
    const prompt = await new BusinessKnowledge().systemPrompt(business, now)

    assert.equal(
      prompt,
      [
        'Eres el asistente de Zapatería Rosa. Vende con calidez.',
        '',
        '## Horario de atención',
        'Lunes a viernes de 9:00 a 18:00; sábado de 10:00 a 14:00; domingo cerrado (zona horaria America/Mexico_City).',
        'Ahora es viernes, 16 de enero, 19:10: el negocio está cerrado y vuelve a abrir el sábado, 17 de enero, 10:00.',
        '',
        '## Envíos',
        'Envíos a todo México en 3 a 5 días.',
        '',
        '## Tono de marca',
        'Cercano, de tú.',
        '',
        '## Preguntas frecuentes',
        'P: ¿Tienen tienda física?',
        'R: Sí, en el centro de León.',
        'P: ¿Aceptan tarjeta?',
        'R: Sí.',
      ].join('\n')
    )
  })

  test('says so when the hours are unknown, in the business language', async ({ assert }) => {
    const { business } = await createOwnerWithBusiness('Rose Shoes')
    business.locale = 'en'
    await business.save()

    const context = await new BusinessKnowledge().promptContext(business)
    assert.equal(
      context,
      '## Opening hours\nThe business has not given its opening hours. Do not say when it opens or closes.'
    )

    await new SavePolicy().handle({
      business,
      mode: 'create',
      changes: { allowedHours: SHOP_HOURS },
    })
    // Monday 2026-01-12 at 10:00 in Mexico City.
    const open = await new BusinessKnowledge().promptContext(
      business,
      DateTime.fromISO('2026-01-12T16:00:00Z')
    )
    assert.include(
      open,
      'It is now Monday, January 12 at 10:00 AM: the business is open and closes on Monday, January 12 at 6:00 PM.'
    )
  })
})
