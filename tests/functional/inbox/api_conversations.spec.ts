import { test } from '@japa/runner'
import type { ApiClient, ApiResponse } from '@japa/api-client'
import testUtils from '@adonisjs/core/services/test_utils'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import Conversation from '#models/conversation'
import { createOwnerWithBusiness, tokenFor } from '#tests/helpers/factories'
import { createConversation } from '#tests/helpers/inbox'
import { connectedBusiness, fakeEvolutionFor } from '#tests/helpers/whatsapp'
import { readyForAgent } from '#tests/helpers/agent'

type Row = { id: string; contact: { displayName: string }; lastMessageAt: string }

/**
 * GET /conversations as an API client sees it: the list, its keyset pages,
 * its views and search, and refusals of bad input.
 */
test.group('API conversations list', (group) => {
  const fake = fakeEvolutionFor(group)
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  /**
   * Every page of a listing, following meta.nextCursor to the end.
   */
  async function allPages(
    client: ApiClient,
    token: string,
    query: Record<string, string | number>
  ): Promise<{ pages: Row[][]; rows: Row[] }> {
    const pages: Row[][] = []
    let cursor: string | null = null
    do {
      const response: ApiResponse = await client
        .get('/conversations')
        .bearerToken(token)
        .qs(cursor ? { ...query, cursor } : query)
      response.assertStatus(200)
      pages.push(response.body().data)
      cursor = response.body().meta.nextCursor
    } while (cursor && pages.length < 50)
    return { pages, rows: pages.flat() }
  }

  test('answers the conversations newest first, with their contact and bot state', async ({
    client,
    assert,
  }) => {
    const { business, token } = await connectedBusiness(client, fake)
    await readyForAgent(business)
    const older = await createConversation(business, {
      pushName: 'Giovanna',
      phone: '5215512345678',
      unreadCount: 2,
      messages: [
        { body: 'Hola', sentAt: DateTime.now().minus({ hours: 2 }) },
        { body: '¿Tienen envío a Monterrey?', sentAt: DateTime.now().minus({ hours: 1 }) },
      ],
    })
    await createConversation(business, {
      name: 'Luis (mayoreo)',
      messages: [{ body: 'Gracias', direction: 'outbound', author: 'human' }],
      botPausedUntil: DateTime.now().plus({ minutes: 90 }),
    })

    const response = await client
      .get('/conversations')
      .bearerToken(token)
      .qs({ business_id: business.id })
    response.assertStatus(200)
    const { data, meta } = response.body()
    assert.deepEqual(
      data.map((row: Row) => row.contact.displayName),
      ['Luis (mayoreo)', 'Giovanna']
    )
    assert.equal(data[0].bot.state, 'paused_until')

    const conversation = await Conversation.findOrFail(older.conversation.id)
    assert.deepEqual(data[1], {
      id: conversation.id,
      status: 'open',
      unreadCount: 2,
      lastMessagePreview: '¿Tienen envío a Monterrey?',
      lastMessageDirection: 'inbound',
      botEnabled: true,
      needsHuman: false,
      handoffReason: null,
      lastMessageAt: conversation.lastMessageAt!.toISO(),
      botPausedUntil: null,
      bot: { state: 'on', until: null, reason: null },
      contact: {
        id: older.contact.id,
        name: null,
        pushName: 'Giovanna',
        phone: '5215512345678',
        displayName: 'Giovanna',
        firstSeenAt: older.contact.firstSeenAt.toISO(),
      },
      createdAt: conversation.createdAt.toISO(),
    })
    assert.deepEqual(meta, {
      nextCursor: null,
      summary: { unreadConversations: 1, unreadMessages: 2, needsHuman: 0 },
    })
  })

  test('keyset pages never repeat or skip a conversation, even with equal times', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)
    const sameInstant = DateTime.now().minus({ minutes: 5 })
    const created: string[] = []
    for (let index = 0; index < 23; index++) {
      const { conversation } = await createConversation(business, {
        lastMessageAt:
          index % 3 === 0 ? sameInstant : DateTime.now().minus({ minutes: 10 + index }),
      })
      created.push(conversation.id)
    }

    const { pages, rows } = await allPages(client, token, { business_id: business.id, limit: 5 })
    assert.deepEqual(
      pages.map((page) => page.length),
      [5, 5, 5, 5, 3]
    )
    const ids = rows.map((row) => row.id)
    assert.equal(new Set(ids).size, 23)
    assert.sameMembers(ids, created)

    const expected = await Conversation.query()
      .where('business_id', business.id)
      .orderBy('last_message_at', 'desc')
      .orderBy('id', 'desc')
    assert.deepEqual(
      ids,
      expected.map((conversation) => conversation.id)
    )
  })

  test('a conversation that jumps to the top while paging is not shown twice', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)
    const conversations: Conversation[] = []
    for (let index = 0; index < 6; index++) {
      const { conversation } = await createConversation(business, {
        lastMessageAt: DateTime.now().minus({ minutes: 10 + index }),
      })
      conversations.push(conversation)
    }

    const first = await client
      .get('/conversations')
      .bearerToken(token)
      .qs({ business_id: business.id, limit: 3 })
    const firstIds = first.body().data.map((row: Row) => row.id)

    // The oldest conversation gets a new message between the two pages.
    const oldest = conversations[5]
    oldest.lastMessageAt = DateTime.now()
    await oldest.save()

    const second = await client
      .get('/conversations')
      .bearerToken(token)
      .qs({ business_id: business.id, limit: 3, cursor: first.body().meta.nextCursor })
    const secondIds = second.body().data.map((row: Row) => row.id)

    assert.deepEqual(
      firstIds,
      conversations.slice(0, 3).map((c) => c.id)
    )
    assert.deepEqual(
      secondIds,
      conversations.slice(3, 5).map((c) => c.id)
    )
    assert.notProperty(second.body().meta, 'summary')
  })

  test('views: needs a human, bot paused, unread, resolved, and the status filter', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)
    const make = (name: string, seed: Parameters<typeof createConversation>[1]) =>
      createConversation(business, { name, ...seed })

    await make('Calma', {})
    await make('Urgente', { needsHuman: true, handoffReason: 'Quiere factura', unreadCount: 1 })
    await make('Pausada', { botEnabled: false })
    await make('Tomada', { botPausedUntil: DateTime.now().plus({ minutes: 30 }) })
    await make('Pausa vencida', { botPausedUntil: DateTime.now().minus({ minutes: 1 }) })
    await make('Sin leer', { unreadCount: 3 })
    await make('Cerrada', { status: 'resolved', unreadCount: 4, needsHuman: true })

    const names = async (query: Record<string, string>) => {
      const response: ApiResponse = await client
        .get('/conversations')
        .bearerToken(token)
        .qs({ business_id: business.id, ...query })
      response.assertStatus(200)
      return response
        .body()
        .data.map((row: Row) => row.contact.displayName)
        .sort()
    }

    assert.lengthOf(await names({}), 7)
    assert.lengthOf(await names({ filter: 'all' }), 7)
    assert.deepEqual(await names({ filter: 'needs_human' }), ['Urgente'])
    assert.deepEqual(await names({ filter: 'bot_paused' }), ['Pausada', 'Tomada'])
    assert.deepEqual(await names({ filter: 'unread' }), ['Sin leer', 'Urgente'])
    assert.deepEqual(await names({ filter: 'resolved' }), ['Cerrada'])
    assert.deepEqual(await names({ status: 'resolved' }), ['Cerrada'])
    assert.lengthOf(await names({ status: 'open' }), 6)
    assert.deepEqual(await names({ status: 'open', filter: 'resolved' }), [])

    const first = await client
      .get('/conversations')
      .bearerToken(token)
      .qs({ business_id: business.id })
    assert.deepEqual(first.body().meta.summary, {
      unreadConversations: 2,
      unreadMessages: 4,
      needsHuman: 1,
    })
  })

  test('search finds names, WhatsApp names, phones and message text, accents aside', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)
    await createConversation(business, { name: 'María José Núñez', messages: [{ body: 'Hola' }] })
    await createConversation(business, {
      pushName: 'Pepe',
      phone: '5215598761234',
      messages: [{ body: 'Buenas tardes' }],
    })
    await createConversation(business, {
      pushName: 'Ana',
      messages: [
        { body: '¿Hacen ENVÍO a Guadalajara?' },
        { body: 'Sí, en 48 horas', direction: 'outbound' },
      ],
    })
    await createConversation(business, {
      pushName: 'Beto',
      messages: [{ body: 'Quiero el 50% de descuento' }],
    })

    const found = async (q: string) => {
      const response: ApiResponse = await client
        .get('/conversations')
        .bearerToken(token)
        .qs({ business_id: business.id, q })
      response.assertStatus(200)
      return response
        .body()
        .data.map((row: Row) => row.contact.displayName)
        .sort()
    }

    assert.deepEqual(await found('maria jose'), ['María José Núñez'])
    assert.deepEqual(await found('NUÑEZ'), ['María José Núñez'])
    assert.deepEqual(await found('nunez'), ['María José Núñez'])
    assert.deepEqual(await found('pepe'), ['Pepe'])
    assert.deepEqual(await found('+52 155 9876'), ['Pepe'])
    assert.deepEqual(await found('98761234'), ['Pepe'])
    assert.deepEqual(await found('envio a guadalajara'), ['Ana'])
    assert.deepEqual(await found('48 HORAS'), ['Ana'])
    assert.deepEqual(await found('50%'), ['Beto'])
    assert.deepEqual(await found('5_%'), [])
    assert.deepEqual(await found('%'), [])
    assert.deepEqual(await found('zapatos'), [])
    assert.deepEqual(await found('an'), ['Ana'])
  })

  test('search and views combine, and search results page like the list', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)
    for (let index = 0; index < 7; index++) {
      await createConversation(business, {
        pushName: `Cliente tenis ${index}`,
        unreadCount: index % 2,
        lastMessageAt: DateTime.now().minus({ minutes: index }),
      })
    }
    await createConversation(business, { pushName: 'Otro', unreadCount: 1 })

    const { rows } = await allPages(client, token, {
      business_id: business.id,
      q: 'tenis',
      limit: 2,
    })
    assert.lengthOf(rows, 7)
    assert.equal(new Set(rows.map((row) => row.id)).size, 7)

    const unread = await allPages(client, token, {
      business_id: business.id,
      q: 'tenis',
      filter: 'unread',
      limit: 2,
    })
    assert.deepEqual(
      unread.rows.map((row) => row.contact.displayName),
      ['Cliente tenis 1', 'Cliente tenis 3', 'Cliente tenis 5']
    )
  })

  /**
   * Many customers at once, written with SQL: `count` conversations, one
   * minute apart (the first is the newest), each with the messages
   * `bodies(index)` gives it.
   */
  async function bulkConversations(
    businessId: string,
    count: number,
    bodies: (index: number) => string[]
  ) {
    const { rows } = await db.rawQuery(
      `WITH contacts_made AS (
         INSERT INTO contacts (business_id, wa_jid, phone, push_name, first_seen_at, created_at, updated_at)
         SELECT ?, '5215' || lpad(i::text, 9, '0') || '@s.whatsapp.net', '5215' || lpad(i::text, 9, '0'),
                'Cliente ' || i, now(), now(), now()
         FROM generate_series(1, ?::int) AS i
         RETURNING id, push_name
       )
       INSERT INTO conversations (business_id, contact_id, status, last_message_at, created_at, updated_at)
       SELECT ?, id, 'open', now() - (substr(push_name, 9)::int * interval '1 minute'), now(), now()
       FROM contacts_made
       RETURNING id, last_message_at`,
      [businessId, count, businessId]
    )
    const ordered = rows.sort(
      (a: { last_message_at: Date }, b: { last_message_at: Date }) =>
        b.last_message_at.getTime() - a.last_message_at.getTime()
    )
    const values: string[] = []
    const bindings: string[] = []
    ordered.forEach((row: { id: string }, index: number) => {
      for (const body of bodies(index)) {
        values.push(
          `(?, ?, 'inbound', 'customer', 'text', ?, 'received', now() - interval '1 day', now(), now())`
        )
        bindings.push(businessId, row.id, body)
      }
    })
    for (let start = 0; start < values.length; start += 1000) {
      await db.rawQuery(
        `INSERT INTO messages (business_id, conversation_id, direction, author, type, body, status, sent_at, created_at, updated_at)
         VALUES ${values.slice(start, start + 1000).join(', ')}`,
        bindings.slice(start * 3, (start + 1000) * 3)
      )
    }
    return ordered.map((row: { id: string }) => row.id) as string[]
  }

  test('a common text spread over many conversations pages through all of them', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)
    // 600 conversations; two of every three talk about shipping, six times.
    const ids = await bulkConversations(business.id, 600, (index) =>
      index % 3 === 2
        ? ['Hola', '¿Qué precio tiene?']
        : Array.from({ length: 6 }, (_, n) => `¿Hacen ENVÍO a Puebla? (${n})`)
    )
    const expected = ids.filter((_, index) => index % 3 !== 2)

    const { pages, rows } = await allPages(client, token, { business_id: business.id, q: 'envio' })
    assert.deepEqual(
      rows.map((row) => row.id),
      expected
    )
    assert.isAbove(pages.length, 1)
    assert.isTrue(pages.every((page) => page.length <= 30))
  })

  test('a common text inside a few conversations finds each of them once', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)
    const ids = await bulkConversations(business.id, 12, (index) => {
      if (index === 4) return Array.from({ length: 2100 }, (_, n) => `cotización ${n}`)
      if (index % 4 === 0) return ['Mándeme la COTIZACION por favor']
      return ['Gracias']
    })

    const { rows } = await allPages(client, token, { business_id: business.id, q: 'cotizacion' })
    assert.deepEqual(
      rows.map((row) => row.id),
      [ids[0], ids[4], ids[8]]
    )
  })

  test('refuses bad input with translated 422s, and other businesses with a 404', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    const other = await createOwnerWithBusiness('Otra tienda')
    await createConversation(other.business, { name: 'Secreto' })
    const token = await tokenFor(user)

    const errorsOf = async (query: Record<string, string>) => {
      const response = await client.get('/conversations').bearerToken(token).qs(query)
      response.assertStatus(422)
      return response
        .body()
        .errors.map((error: { field: string; message: string }) => [error.field, error.message])
    }

    const forged = Buffer.from('2024-13-01T00:00:00.000000Z|not-a-uuid').toString('base64url')
    assert.deepEqual(await errorsOf({ business_id: business.id, cursor: forged }), [
      [
        'cursor',
        'El cursor de paginación no es válido: usa el valor de meta.nextCursor tal como llegó.',
      ],
    ])
    assert.deepEqual(await errorsOf({ business_id: business.id, cursor: "'; DROP TABLE x; --" }), [
      [
        'cursor',
        'El cursor de paginación no es válido: usa el valor de meta.nextCursor tal como llegó.',
      ],
    ])
    assert.deepEqual(await errorsOf({ business_id: business.id, q: 'a'.repeat(101) }), [
      ['q', 'La búsqueda puede tener hasta 100 caracteres.'],
    ])
    assert.deepEqual(await errorsOf({ business_id: business.id, filter: 'spam' }), [
      [
        'filter',
        'Elige un valor válido para vista: all, needs_human, bot_paused, unread, resolved.',
      ],
    ])
    assert.deepEqual(await errorsOf({ business_id: 'abc' }), [
      ['business_id', 'El negocio no es válido.'],
    ])
    assert.deepEqual(await errorsOf({}), [['business_id', 'Indica el negocio (business_id).']])

    const english = await client
      .get('/conversations')
      .bearerToken(token)
      .header('accept-language', 'en')
      .qs({ business_id: business.id, q: 'a'.repeat(101) })
    english.assertStatus(422)
    assert.equal(english.body().errors[0].message, 'A search can be up to 100 characters long.')

    const foreign = await client
      .get('/conversations')
      .bearerToken(token)
      .qs({ business_id: other.business.id })
    foreign.assertStatus(404)
    assert.notInclude(JSON.stringify(foreign.body()), 'Secreto')

    const anonymous = await client.get('/conversations').qs({ business_id: business.id })
    anonymous.assertStatus(401)
  })
})
