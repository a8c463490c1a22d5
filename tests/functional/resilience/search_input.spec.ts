import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import fc from 'fast-check'
import ProductSearch from '#services/product_search'
import { fakeEvolutionFor } from '#tests/helpers/whatsapp'
import { signedInSession } from '#tests/helpers/http_session'
import { createProduct } from '#tests/helpers/catalog'
import { createConversation } from '#tests/helpers/inbox'
import {
  NASTY_STRINGS,
  createTenant,
  databaseFingerprint,
  changedTables,
  hostileString,
  removeTenantFiles,
  send,
  type Tenant,
} from '#tests/helpers/resilience'

/**
 * Searches built to break a query: SQL, LIKE, tsquery, regex and
 * PostgreSQL cast syntax, alone and inside ordinary words.
 */
const INJECTIONS = [
  "'",
  '"',
  ';--',
  "' OR 1=1 --",
  "' OR '1'='1",
  "zapato' UNION SELECT id, email, password FROM users --",
  "'; DELETE FROM products; --",
  "'); DROP TABLE messages; --",
  '%',
  '%%',
  '_',
  '\\',
  '\\%',
  '$$',
  '$1',
  '$$; DROP TABLE products; $$',
  '::text',
  '1::int; SELECT pg_sleep(5) --',
  '\u0000',
  'zapato\u0000rojo',
  '.*',
  '(a+)+$',
  '[a-z',
  '^$|',
  '& | ! : * ( )',
  'zapato:* & !rojo',
  '!!!',
  'a <-> b',
  "'a' & 'b'",
  '*',
  ':*',
  'x'.repeat(5000),
  'ñandú '.repeat(60),
  '😀%_😀',
]

/**
 * Product search (the API, the catalog page and the agent's tool) and
 * inbox search (the API, the inbox page and its JSON): whatever is typed,
 * the answer is a 2xx or a 4xx, lists only the caller's rows, and the
 * tables are as they were.
 */
test.group('Resilience: hostile search input', (group) => {
  const gateway = fakeEvolutionFor(group)
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.each.timeout(120_000)

  /**
   * Two tenants whose products, contacts and messages hold the very
   * characters searches are made of.
   */
  async function tenants(client: Parameters<typeof createTenant>[0]) {
    const a = await createTenant(client, gateway, 'alfa')
    const b = await createTenant(client, gateway, 'beta')
    for (const tenant of [a, b]) {
      for (const title of [
        'Camisa 50% algodón',
        "Gorra O'Brien",
        'Zapato_rojo',
        'Bolso \\ cuero',
      ]) {
        await createProduct(tenant.business, { title: `${title} ${tenant.marker}` })
      }
      await createConversation(tenant.business, {
        name: `Cliente 100% ${tenant.marker}`,
        messages: [{ body: `¿Tienen 50% de descuento? ${tenant.marker}` }],
      })
      await createConversation(tenant.business, {
        name: `Cliente sin signos ${tenant.marker}`,
        messages: [{ body: `Hola buenas tardes ${tenant.marker}` }],
      })
    }
    return { a, b }
  }

  async function idsOf(tenant: Tenant) {
    const products = await db.from('products').where('business_id', tenant.business.id).select('id')
    const conversations = await db
      .from('conversations')
      .where('business_id', tenant.business.id)
      .select('id')
    return {
      products: new Set(products.map((row) => row.id as string)),
      conversations: new Set(conversations.map((row) => row.id as string)),
    }
  }

  /**
   * Every search surface, as B. Each answers its status and the ids it
   * listed (and the raw text, to look for A's data).
   */
  async function surfaces(b: Tenant) {
    const session = await signedInSession(b.user.email, b.password)
    const probe = await session.fetch('/dashboard', { headers: { 'x-inertia': 'true' } })
    const version = probe.headers.get('x-inertia-version') ?? ''
    const inertia = { 'x-inertia': 'true', 'x-inertia-version': version }
    const auth = { authorization: `Bearer ${b.token}` }
    const search = await app.container.make(ProductSearch)
    const business = b.business

    const read = async (response: Response) => ({
      status: response.status,
      text: await response.text(),
    })
    const json = (text: string) => JSON.parse(text)
    const ids = (rows: { id: string }[] | undefined) => (rows ?? []).map((row) => row.id)

    return {
      'GET /products (API)': async (q: string) => {
        const { status, text } = await send(
          'GET',
          `/products?${new URLSearchParams({ business_id: business.id, q })}`,
          { headers: auth }
        )
        return { status, text, products: status === 200 ? ids(json(text).data) : [] }
      },
      'GET /catalog (page)': async (q: string) => {
        const { status, text } = await read(
          await session.fetch(`/catalog?${new URLSearchParams({ q })}`, { headers: inertia })
        )
        return {
          status,
          text,
          products: status === 200 ? ids(json(text).props.products?.data) : [],
        }
      },
      'ProductSearch.search (the agent’s tool)': async (q: string) => {
        const rows = await search.search(business, q, { limit: 100 })
        return { status: 200, text: JSON.stringify(rows), products: rows.map((row) => row.id) }
      },
      'GET /conversations (API)': async (q: string) => {
        const { status, text } = await send(
          'GET',
          `/conversations?${new URLSearchParams({ business_id: business.id, q })}`,
          { headers: auth }
        )
        return { status, text, conversations: status === 200 ? ids(json(text).data) : [] }
      },
      'GET /inbox/conversations (page JSON)': async (q: string) => {
        const { status, text } = await read(
          await session.fetch(`/inbox/conversations?${new URLSearchParams({ q })}`, {
            headers: { accept: 'application/json' },
          })
        )
        return { status, text, conversations: status === 200 ? ids(json(text).data) : [] }
      },
      'GET /inbox (page)': async (q: string) => {
        const { status, text } = await read(
          await session.fetch(`/inbox?${new URLSearchParams({ q })}`, { headers: inertia })
        )
        return {
          status,
          text,
          conversations: status === 200 ? ids(json(text).props.conversations?.data) : [],
        }
      },
    }
  }

  async function tableSizes() {
    const { rows } = await db.rawQuery(
      `SELECT count(*)::int AS tables FROM pg_tables WHERE schemaname = 'public'`
    )
    return rows[0].tables as number
  }

  test('SQL, LIKE, tsquery and regex metacharacters: 2xx/4xx, only the caller’s rows, tables intact', async ({
    client,
    assert,
  }) => {
    const { a, b } = await tenants(client)
    const own = await idsOf(b)
    const all = await surfaces(b)
    const before = await databaseFingerprint()
    const tables = await tableSizes()

    const check = async (q: string) => {
      for (const [name, surface] of Object.entries(all)) {
        const label = `${name} with q=${JSON.stringify(q.slice(0, 80))}`
        const answer = await surface(q)
        assert.isAtLeast(answer.status, 200, label)
        assert.isBelow(answer.status, 500, `${label}: ${answer.text.slice(0, 200)}`)
        assert.notInclude(answer.text, a.marker, `${label} showed A's rows`)
        for (const id of 'products' in answer ? answer.products : []) {
          assert.isTrue(own.products.has(id), `${label} listed another tenant's product`)
        }
        for (const id of 'conversations' in answer ? answer.conversations : []) {
          assert.isTrue(own.conversations.has(id), `${label} listed another tenant's conversation`)
        }
      }
    }

    for (const q of [...INJECTIONS, ...NASTY_STRINGS]) {
      await check(q)
    }
    await fc.assert(
      fc.asyncProperty(
        fc
          .tuple(fc.lorem({ maxCount: 2 }), fc.constantFrom(...INJECTIONS), hostileString())
          .map(([word, injection, noise]) => `${word}${injection}${noise}`.slice(0, 300)),
        check
      ),
      { numRuns: 60 }
    )

    assert.deepEqual(changedTables(before, await databaseFingerprint()), [])
    assert.equal(await tableSizes(), tables)
    await removeTenantFiles(a, b)
  })

  test('LIKE wildcards typed by a person match themselves, not everything', async ({
    client,
    assert,
  }) => {
    const { a, b } = await tenants(client)
    const all = await surfaces(b)
    const withPercent = await db
      .from('conversations')
      .join('contacts', 'contacts.id', 'conversations.contact_id')
      .where('conversations.business_id', b.business.id)
      .where('contacts.name', 'like', 'Cliente 100\\%%')
      .select('conversations.id')

    for (const surface of [
      all['GET /conversations (API)'],
      all['GET /inbox/conversations (page JSON)'],
    ]) {
      // "%" is in one contact's name and one message: those conversations
      // only (not the one without it).
      const percent = await surface('%')
      assert.equal(percent.status, 200)
      assert.sameMembers(percent.conversations!, [withPercent[0].id])

      // "_" and "\" appear in no conversation of B.
      for (const q of ['_', '\\', '__%', '\\%']) {
        const none = await surface(q)
        assert.equal(none.status, 200, q)
        assert.deepEqual(none.conversations, [], q)
      }
    }

    // Products: quotes and operators are word separators, so the words
    // still find their product, and only it.
    for (const q of ["o'brien", "O'Brien' OR 1=1 --", 'gorra!!! &|', 'gorra:*', '(gorra)']) {
      const found = await all['GET /products (API)'](q)
      assert.equal(found.status, 200, q)
      const titles = JSON.parse(found.text).data.map((row: { title: string }) => row.title)
      assert.isNotEmpty(titles, q)
      for (const title of titles) assert.include(title, 'Gorra', q)
    }
    await removeTenantFiles(a, b)
  })
})
