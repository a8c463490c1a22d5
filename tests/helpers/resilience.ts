import fc from 'fast-check'
import { randomBytes } from 'node:crypto'
import type { ApiClient } from '@japa/api-client'
import app from '@adonisjs/core/services/app'
import router from '@adonisjs/core/services/router'
import db from '@adonisjs/lucid/services/db'
import drive from '@adonisjs/drive/services/main'
import SavePolicy from '#actions/knowledge/save_policy'
import SavePromptVersion from '#actions/knowledge/save_prompt_version'
import MediaStorage from '#services/media_storage'
import type { FakeEvolution } from '#tests/helpers/fake_evolution'
import { connectedBusiness } from '#tests/helpers/whatsapp'
import { createProduct, images } from '#tests/helpers/catalog'
import { createConversation } from '#tests/helpers/inbox'
import { anonymousSession, signedInSession } from '#tests/helpers/http_session'

/**
 * What the resilience tests (tests/functional/resilience) share: the app's
 * routes as the router knows them, a savepoint to undo each attempt, a
 * fingerprint of every row, a watch on the process, and the hostile inputs.
 */

export type AppRoute = {
  name: string
  method: string
  pattern: string
  /**
   * Path parameters, each with the segment before it: `products` for the
   * `id` of /products/:id, `messages` for the `messageId` of
   * /conversations/:id/messages/:messageId/retry.
   */
  params: { name: string; resource: string }[]
  /**
   * The auth guard the route requires, null for public routes.
   */
  guard: 'api' | 'web' | null
  guest: boolean
  middleware: string[]
}

/**
 * Every route of the app, one entry per method (HEAD left out: it is GET).
 */
export function appRoutes(): AppRoute[] {
  return Object.values(router.toJSON())
    .flat()
    .flatMap((route) => {
      const middleware = [...route.middleware.all()] as {
        name?: string
        args?: { guards?: string[] }
      }[]
      const names = middleware.map((entry) => entry.name).filter((name): name is string => !!name)
      const auth = middleware.find((entry) => entry.name === 'auth')
      const guards = auth?.args?.guards ?? []
      const guard = guards.includes('api') ? 'api' : guards.includes('web') ? 'web' : null
      return route.methods
        .filter((method) => method !== 'HEAD')
        .map((method) => ({
          name: route.name ?? `${method} ${route.pattern}`,
          method,
          pattern: route.pattern,
          params: routeParams(route.pattern),
          guard: (auth && !guard ? 'web' : guard) as AppRoute['guard'],
          guest: names.includes('guest'),
          middleware: names,
        }))
    })
}

/**
 * `:name` parameters, and `*` (the rest of the path) named "*".
 */
export function routeParams(pattern: string) {
  const segments = pattern.split('/')
  return segments.flatMap((segment, index) =>
    segment.startsWith(':') || segment === '*'
      ? [
          {
            name: segment.replace(/^:/, '').replace(/\?$/, ''),
            resource: segments[index - 1] ?? '',
          },
        ]
      : []
  )
}

/**
 * The URL of a route with its parameters filled in (a `*` value keeps its
 * slashes).
 */
export function routeUrl(route: AppRoute, values: Record<string, string>) {
  return route.pattern
    .split('/')
    .map((segment) => {
      if (segment === '*') {
        return values['*']
          .split('/')
          .map((part) => encodeURIComponent(part.toWellFormed()))
          .join('/')
      }
      if (!segment.startsWith(':')) return segment
      const name = segment.slice(1)
      if (!(name in values)) throw new Error(`No value for :${name} of ${route.pattern}`)
      return encodeURIComponent(values[name].toWellFormed())
    })
    .join('/')
}

let savepoints = 0

/**
 * Runs `attempt` and undoes every row it wrote: a savepoint inside the
 * test's global transaction (which a failed statement would otherwise
 * leave aborted for the rest of the test).
 */
export async function rolledBack<T>(attempt: () => Promise<T>): Promise<T> {
  savepoints += 1
  const name = `resilience_${savepoints}`
  await db.rawQuery(`SAVEPOINT ${name}`)
  try {
    return await attempt()
  } finally {
    await db.rawQuery(`ROLLBACK TO SAVEPOINT ${name}`)
    await db.rawQuery(`RELEASE SAVEPOINT ${name}`)
  }
}

let checksumSql: string | null = null

/**
 * A fingerprint of every row of every table of the app (row counts and a
 * hash of the rows), to tell that a refused request wrote nothing. A token's
 * "last used" time is left out: every authenticated request moves it.
 */
export async function databaseFingerprint(): Promise<Record<string, string>> {
  if (!checksumSql) {
    const { rows } = await db.rawQuery<{ rows: { tablename: string }[] }>(
      `SELECT tablename FROM pg_tables
        WHERE schemaname = 'public' AND tablename NOT LIKE 'adonis_schema%'
        ORDER BY tablename`
    )
    checksumSql = rows
      .map(
        ({ tablename }) =>
          `SELECT '${tablename}' AS name, count(*)::text || ':' || md5(coalesce(string_agg(
             md5((to_jsonb(row) - 'last_used_at' - 'updated_at')::text), ',' ORDER BY
             md5((to_jsonb(row) - 'last_used_at' - 'updated_at')::text)), '')) AS fingerprint
           FROM "${tablename}" AS row`
      )
      .join(' UNION ALL ')
  }
  const { rows } = await db.rawQuery<{ rows: { name: string; fingerprint: string }[] }>(checksumSql)
  return Object.fromEntries(rows.map((row) => [row.name, row.fingerprint]))
}

/**
 * The tables whose rows differ between two fingerprints.
 */
export function changedTables(before: Record<string, string>, after: Record<string, string>) {
  return Object.keys({ ...before, ...after }).filter((name) => before[name] !== after[name])
}

/**
 * Errors that escaped every handler while a test ran, and keys added to
 * Object.prototype (a polluted prototype) — both must stay empty.
 */
export function watchProcess() {
  const escaped: unknown[] = []
  const onError = (error: unknown) => escaped.push(error)
  process.on('unhandledRejection', onError)
  process.on('uncaughtException', onError)
  const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).join(',')
  return {
    escaped,
    prototypePolluted: () =>
      Object.getOwnPropertyNames(Object.prototype).join(',') !== prototypeKeys ||
      ({} as Record<string, unknown>).polluted !== undefined,
    stop() {
      process.off('unhandledRejection', onError)
      process.off('uncaughtException', onError)
    },
  }
}

/**
 * The base URL of this test run's server.
 */
export function serverUrl() {
  return `http://${process.env.HOST}:${process.env.PORT}`
}

export type RawResponse = { status: number; headers: Headers; text: string }

/**
 * One request as any HTTP client may send it (no redirects followed).
 */
export async function send(
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string | Buffer | FormData } = {}
): Promise<RawResponse> {
  const response = await fetch(`${serverUrl()}${path}`, {
    method,
    redirect: 'manual',
    headers: options.headers,
    body: method === 'GET' || method === 'HEAD' ? undefined : options.body,
    signal: AbortSignal.timeout(20_000),
  })
  return { status: response.status, headers: response.headers, text: await response.text() }
}

/*
|--------------------------------------------------------------------------
| Hostile inputs
|--------------------------------------------------------------------------
*/

/**
 * Texts that broke real apps: NUL and lone surrogates (PostgreSQL text and
 * jsonb refuse them), SQL, LIKE, tsquery and regex metacharacters, markup,
 * path tricks, number-looking strings, right-to-left overrides.
 */
export const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u0000'.repeat(8),
  '\uD800',
  'x\uDFFFy',
  '\uFFFE\uFFFF',
  '\u202Egnp.exe',
  "'",
  '"',
  ';--',
  "' OR 1=1 --",
  "'); DROP TABLE products; --",
  '%',
  '_',
  '\\',
  '\\%',
  '$$',
  '$1',
  '::text',
  '?',
  ':id',
  '& | ! : * ( )',
  'zapato:* & !rojo',
  '.*',
  '(?:',
  '[',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '{{ 7*7 }}',
  '${7*7}',
  '__proto__',
  'constructor',
  '../../etc/passwd',
  '..\\..\\x',
  '%00',
  '%2e%2e%2f',
  'NaN',
  'Infinity',
  '-1',
  '1e309',
  '0x10',
  'null',
  'true',
  '[]',
  '{}',
  '9'.repeat(400),
  '😀'.repeat(30),
  'Ñandú ñ á é í ó ú',
  'a\r\nb',
  '\t',
]

/**
 * Any string: nasty ones, random ones over the whole of Unicode, and now and
 * then a very long one.
 */
export function hostileString(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
    { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...NASTY_STRINGS), fc.integer({ min: 300, max: 60_000 }))
        .map(([seed, length]) => (seed || 'x').repeat(length).slice(0, length)),
    }
  )
}

/**
 * Numbers a validator may not expect: huge, negative, fractional, -0.
 */
export function hostileNumber(): fc.Arbitrary<number> {
  return fc.oneof(
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom(0, -0, -1, 1.5, 2 ** 31, 2 ** 53 + 1, -(2 ** 63), 1e308, -1e308, 5e-324)
  )
}

/**
 * Keys that reach into objects: prototype tricks next to ordinary names.
 */
export const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', '', ' ', '$where', '0']

/**
 * Any JSON value, with the hostile strings and numbers above mixed in.
 */
export function hostileJson(maxDepth = 4): fc.Arbitrary<unknown> {
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', maxDepth },
      hostileString(),
      hostileNumber(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 5 }),
      fc.dictionary(fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string()), tie('value'), {
        maxKeys: 5,
      })
    ),
  }))
  return value
}

/**
 * An array nested `depth` times (`[[[...]]]`), or an object.
 */
export function deeplyNested(depth: number, kind: 'array' | 'object' = 'array') {
  return kind === 'array'
    ? `${'['.repeat(depth)}${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
}

/**
 * Bodies that are not what a JSON endpoint expects: broken JSON, other
 * formats, binary, each with a content type (matching or not).
 */
export function hostileRawBody(): fc.Arbitrary<{ contentType: string | null; body: string }> {
  return fc.oneof(
    fc.record({
      contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8'),
      body: fc.oneof(
        fc.constantFrom('{', '{"a":', '[1,2', 'nul', '"\\u00"', '{"a":1}{"b":2}', '\u0000', ''),
        fc.string({ unit: 'binary', maxLength: 80 }),
        fc.integer({ min: 1000, max: 20_000 }).map((depth) => deeplyNested(depth)),
        fc.integer({ min: 1000, max: 20_000 }).map((depth) => deeplyNested(depth, 'object'))
      ),
    }),
    fc.record({
      contentType: fc.constantFrom(
        'text/plain',
        'application/xml',
        'application/octet-stream',
        'application/x-www-form-urlencoded',
        'multipart/form-data',
        'multipart/form-data; boundary=x',
        'application/json-patch+json',
        'application/csp-report',
        'image/png',
        'x/y; charset=klingon'
      ),
      body: fc.oneof(
        fc.string({ unit: 'binary', maxLength: 120 }),
        fc.constantFrom(
          'a=1&a[b]=2&a[__proto__][polluted]=1',
          `${'a['.repeat(50)}]=1`,
          'constructor[prototype][polluted]=1',
          '__proto__[polluted]=1',
          '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY y SYSTEM "file:///etc/passwd">]><x>&y;</x>',
          '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n',
          '--x\r\nContent-Disposition: form-data; name="f"; filename="../../a.jpg"\r\n\r\n',
          '{"a":1}'
        )
      ),
    }),
    fc.record({
      contentType: fc.constant(null),
      body: fc.oneof(fc.constant(''), fc.string({ maxLength: 60 })),
    })
  )
}

/*
|--------------------------------------------------------------------------
| A tenant with one of everything
|--------------------------------------------------------------------------
*/

/**
 * A business with one row of every kind a route can name: a product with
 * its photo on the disk, the policy, a second prompt version, a WhatsApp
 * instance connected on the fake gateway, a conversation (a customer's
 * text and a failed reply with a photo) and its contact. Every text it
 * owns carries `marker`, so an answer that leaks any of it is easy to spot.
 */
export async function createTenant(client: ApiClient, fake: FakeEvolution, label: string) {
  /**
   * Its random part starts with a letter: a search for "1" (in "OR 1=1")
   * matches words that start with 1 by prefix, as the catalog search does.
   */
  const marker = `${label}-m${randomBytes(4).toString('hex')}`
  const owner = await connectedBusiness(client, fake, `Tienda ${marker}`)
  const { user, business } = owner
  business.description = `Descripción privada ${marker}`
  business.botEnabled = false
  await business.save()

  const storage = await app.container.make(MediaStorage)
  const productImageKey = await storage.storeImage(images.png, {
    businessId: business.id,
    folder: 'products',
  })
  const product = await createProduct(business, {
    title: `Zapato ${marker}`,
    description: `Descripción del zapato ${marker}`,
    sku: `SKU-${marker}`.slice(0, 64),
    imageKey: productImageKey,
  })
  const policy = await new SavePolicy().handle({
    business,
    changes: {
      shippingPolicy: `Envíos ${marker}`,
      faqs: [{ question: `¿Pregunta ${marker}?`, answer: `Respuesta ${marker}` }],
    },
    mode: 'create',
  })
  const prompt = await new SavePromptVersion().handle({
    business,
    author: user,
    content: `Eres el asistente de ${marker}. Vende con calidez y claridad.`,
  })
  const firstPrompt = await business
    .related('agentPrompts')
    .query()
    .where('version', 1)
    .firstOrFail()

  const messageMediaKey = await storage.storeImage(images.jpeg, {
    businessId: business.id,
    folder: 'messages',
  })
  const { contact, conversation, messages } = await createConversation(business, {
    name: `Cliente ${marker}`,
    notes: `Notas ${marker}`,
    unreadCount: 1,
    messages: [
      { body: `Mensaje ${marker}`, gatewayMessageId: `GW-${marker}` },
      {
        body: `Respuesta fallida ${marker}`,
        direction: 'outbound',
        author: 'human',
        status: 'failed',
        error: 'gateway_unavailable',
        type: 'image',
        mediaKey: messageMediaKey,
        mediaMime: 'image/jpeg',
        mediaName: 'foto.jpg',
      },
    ],
  })
  fake.requests = []

  return {
    ...owner,
    password: 'secreta123',
    marker,
    product,
    productImageKey,
    policy,
    prompt,
    firstPrompt,
    contact,
    conversation,
    messages,
    failedMessage: messages[1],
    messageMediaKey,
    files: [productImageKey, messageMediaKey],
  }
}

export type Tenant = Awaited<ReturnType<typeof createTenant>>

/**
 * The tenant's row a path parameter names, by the segment before it
 * (`products` for /products/:id). A route with a parameter not listed here
 * fails the tests that use it: add the row it names.
 */
export const PARAM_FIXTURES: Record<string, (tenant: Tenant) => string> = {
  'business:id': (tenant) => tenant.business.id,
  'wa:business_id': (tenant) => tenant.business.id,
  'products:id': (tenant) => tenant.product.id,
  'conversations:id': (tenant) => tenant.conversation.id,
  'inbox:id': (tenant) => tenant.conversation.id,
  'contacts:id': (tenant) => tenant.contact.id,
  'policies:id': (tenant) => tenant.policy.id,
  'prompt:id': (tenant) => tenant.prompt.id,
  'versions:id': (tenant) => tenant.firstPrompt.id,
  'messages:messageId': (tenant) => tenant.failedMessage.id,
  'uploads:*': (tenant) => tenant.productImageKey,
}

/**
 * The values of a route's path parameters for a tenant's own rows.
 */
export function paramsFor(route: AppRoute, tenant: Tenant) {
  return Object.fromEntries(
    route.params.map(({ name, resource }) => {
      const fixture = PARAM_FIXTURES[`${resource}:${name}`]
      if (!fixture) {
        throw new Error(
          `Route ${route.name} (${route.method} ${route.pattern}) names :${name} after /${resource}/, ` +
            `which the resilience tests cannot fill: add "${resource}:${name}" to PARAM_FIXTURES ` +
            `in tests/helpers/resilience.ts`
        )
      }
      return [name, fixture(tenant)]
    })
  )
}

/**
 * Removes every file stored under the tenants' businesses (rows go with
 * the transaction; files do not).
 */
export async function removeTenantFiles(...tenants: Tenant[]) {
  for (const tenant of tenants) {
    await drive.use().deleteAll(`businesses/${tenant.business.id}`)
  }
}

let tenantSql: string | null = null

/**
 * A fingerprint of one tenant's rows: every row with its business_id in
 * every table, the business itself, its members' accounts and their API
 * tokens (last use left out).
 */
export async function tenantFingerprint(tenant: Tenant) {
  if (!tenantSql) {
    const { rows } = await db.rawQuery<{ rows: { table_name: string }[] }>(
      `SELECT table_name FROM information_schema.columns
        WHERE table_schema = 'public' AND column_name = 'business_id'
        ORDER BY table_name`
    )
    const scoped = rows.map(({ table_name: name }) => ({
      name,
      where: `"${name}".business_id = :business`,
    }))
    tenantSql = [
      ...scoped,
      { name: 'businesses', where: 'businesses.id = :business' },
      {
        name: 'users',
        where: 'users.id IN (SELECT user_id FROM business_members WHERE business_id = :business)',
      },
      {
        name: 'auth_access_tokens',
        where:
          'auth_access_tokens.tokenable_id IN (SELECT user_id FROM business_members WHERE business_id = :business)',
      },
    ]
      .map(
        ({ name, where }) =>
          `SELECT '${name}' AS name, count(*)::text || ':' || md5(coalesce(string_agg(
             md5((to_jsonb("${name}") - 'last_used_at' - 'updated_at')::text), ',' ORDER BY
             md5((to_jsonb("${name}") - 'last_used_at' - 'updated_at')::text)), '')) AS fingerprint
           FROM "${name}" WHERE ${where}`
      )
      .join(' UNION ALL ')
  }
  const { rows } = await db.rawQuery<{ rows: { name: string; fingerprint: string }[] }>(tenantSql, {
    business: tenant.business.id,
  })
  return Object.fromEntries(rows.map((row) => [row.name, row.fingerprint]))
}

/**
 * json: what the pages' JSON calls and API clients send; inertia: an
 * Inertia visit or form; html: a plain browser.
 */
export type Accept = 'json' | 'inertia' | 'html'

/**
 * A tenant's owner as each kind of route expects them: their Bearer token
 * for the API, their signed-in browser session for pages and page JSON, a
 * browser that is not signed in for guest and public routes.
 */
export async function tenantCaller(tenant: Tenant) {
  let session = await signedInSession(tenant.user.email, tenant.password)
  const guest = await anonymousSession()
  const probe = await session.fetch('/dashboard', { headers: { 'x-inertia': 'true' } })
  const inertiaVersion = probe.headers.get('x-inertia-version') ?? ''

  return {
    inertiaVersion,
    session: () => session,
    async fetch(route: AppRoute, path: string, init: RequestInit & { accept: Accept }) {
      const { accept, ...rest } = init
      const headers: Record<string, string> = { ...(init.headers as Record<string, string>) }
      if (accept === 'json') headers.accept = 'application/json'
      if (accept === 'html') headers.accept = 'text/html'
      if (accept === 'inertia') {
        headers['x-inertia'] = 'true'
        headers['x-inertia-version'] = inertiaVersion
      }
      const request = { ...rest, headers, signal: AbortSignal.timeout(20_000) }
      if (route.guard === 'api') {
        return fetch(`${serverUrl()}${path}`, {
          ...request,
          redirect: 'manual',
          headers: { ...headers, authorization: `Bearer ${tenant.token}` },
        })
      }
      return route.guard === 'web' && !route.guest
        ? session.fetch(path, request)
        : guest.fetch(path, request)
    },
    /**
     * A route may have signed the session out (POST /logout): sign in
     * again for the next one.
     */
    async stillSignedIn() {
      const check = await session.fetch('/inbox/summary', {
        headers: { accept: 'application/json' },
      })
      if (check.status !== 200) {
        session = await signedInSession(tenant.user.email, tenant.password)
      }
    },
  }
}

export type TenantCaller = Awaited<ReturnType<typeof tenantCaller>>
