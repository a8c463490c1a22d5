import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import app from '@adonisjs/core/services/app'
import fc from 'fast-check'
import { setTimeout } from 'node:timers/promises'
import env from '#start/env'
import { AgentModel } from '#services/agent/agent_model'
import { JobQueue } from '#services/queue/job_queue'
import { WhatsAppGateway } from '#services/whatsapp/whatsapp_gateway'
import { FakeEvolution } from '#tests/helpers/fake_evolution'
import { FakeOpenAI } from '#tests/helpers/fake_openai'
import { useFakeEvolution } from '#tests/helpers/whatsapp'
import { SHOP_HOURS } from '#tests/helpers/knowledge'
import { images } from '#tests/helpers/catalog'
import {
  appRoutes,
  changedTables,
  createTenant,
  databaseFingerprint,
  HOSTILE_KEYS,
  hostileJson,
  hostileRawBody,
  hostileString,
  paramsFor,
  removeTenantFiles,
  rolledBack,
  routeUrl,
  watchProcess,
  tenantCaller,
  type Accept,
  type AppRoute,
  type Tenant,
  type TenantCaller,
} from '#tests/helpers/resilience'

/**
 * Routes that are not fuzzed here, and why. Every other route of the
 * router is, so a new route is fuzzed without anyone listing it.
 */
const NOT_FUZZED: Record<string, string> = {
  'transmit.events': 'a server-sent event stream: it takes no body and never ends',
  'webhooks.whatsapp': 'fuzzed on its own in fuzz_webhook.spec.ts',
}

/**
 * How many random requests each route gets.
 */
const BODY_RUNS = 28
const QUERY_RUNS = 8

/**
 * A key the fake provider accepts, and a cursor as the inbox hands them out.
 */
const ACCEPTED_KEY = 'sk-test-fuzz-0123456789abcdefghij'
const CURSOR = Buffer.from(
  `2026-01-01T00:00:00.000000Z|${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`
).toString('base64url')

/**
 * Every route is sent random and malformed bodies (POST, PUT, DELETE) or
 * query strings (GET) by a signed-in owner of the rows its path names: the
 * answer is never a 5xx, the process never crashes, and a 4xx answer wrote
 * nothing (a fingerprint of every table). Each request runs in a savepoint
 * rolled back afterwards, so every one meets the same rows.
 */
test.group('Resilience: fuzzing every JSON endpoint', (group) => {
  const gateway = new FakeEvolution()
  const openai = new FakeOpenAI()
  let previousBaseUrl: string | undefined
  let previousAllowed: string | undefined

  group.setup(async () => {
    await gateway.start()
    await openai.start()
    const restoreGateway = useFakeEvolution(gateway)
    /**
     * Key checks and agent turns reach the fake provider, never the
     * internet, and give up fast.
     */
    previousBaseUrl = env.get('OPENAI_BASE_URL')
    previousAllowed = env.get('AI_PROVIDER_ALLOWED_HOSTS')
    env.set('OPENAI_BASE_URL', openai.baseUrl)
    env.set('AI_PROVIDER_ALLOWED_HOSTS', new URL(openai.baseUrl).host)
    app.container.swap(AgentModel, () => new AgentModel({ timeoutMs: 500, retryDelaysMs: [5] }))
    /**
     * On the embedded database the job queue runs its SQL through the
     * app's connection: started inside a test, its setup would end the
     * test's transaction. Started now, a route that queues a job (or the
     * readiness probe that pings it) writes inside the transaction.
     */
    const queue = await app.container.make(JobQueue)
    await queue.start()
    return async () => {
      await queue.stop(2_000)
      app.container.restore(AgentModel)
      env.set('OPENAI_BASE_URL', previousBaseUrl ?? '')
      env.set('AI_PROVIDER_ALLOWED_HOSTS', previousAllowed ?? '')
      restoreGateway()
      await openai.stop()
      await gateway.stop()
    }
  })
  group.each.setup(() => {
    gateway.reset()
    openai.reset()
    openai.acceptedKeys.add(ACCEPTED_KEY)
    return testUtils.db().withGlobalTransaction()
  })
  group.each.timeout(180_000)

  const routes = () => appRoutes().filter((route) => !(route.name in NOT_FUZZED))

  /**
   * The simulator's routes work only with the simulator (the app's driver
   * in tests); every other route talks to the fake Evolution gateway.
   */
  async function onItsGateway(route: AppRoute, fuzz: () => Promise<void>) {
    if (!route.name.startsWith('whatsapp.simulator')) {
      return fuzz()
    }
    app.container.restore(WhatsAppGateway)
    try {
      await fuzz()
    } finally {
      useFakeEvolution(gateway)
    }
  }

  /**
   * The tenant's agent has a key the fake provider accepts, so the
   * playground and POST /agent/think run whole turns.
   */
  async function withAgentKey(tenant: Tenant) {
    tenant.business.setOpenaiApiKey(ACCEPTED_KEY)
    await tenant.business.save()
    return tenant
  }

  test('every route is fuzzed or says why not, and every path parameter has a fixture', async ({
    client,
    assert,
  }) => {
    const tenant = await createTenant(client, gateway, 'fixtures')
    for (const name of Object.keys(NOT_FUZZED)) {
      assert.isTrue(
        appRoutes().some((route) => route.name === name),
        `NOT_FUZZED names ${name}, which is no longer a route`
      )
    }
    for (const route of routes()) {
      // Throws, naming the route, when a parameter has no fixture.
      paramsFor(route, tenant)
    }
    await removeTenantFiles(tenant)
  })

  test('random and malformed bodies: never a 5xx, and a refusal writes nothing', async ({
    client,
  }) => {
    const tenant = await withAgentKey(await createTenant(client, gateway, 'fuzz'))
    const caller = await tenantCaller(tenant)
    const baseline = await databaseFingerprint()
    const watch = watchProcess()

    for (const route of routes().filter((candidate) => candidate.method !== 'GET')) {
      await onItsGateway(route, () =>
        fc.assert(
          fc.asyncProperty(attemptFor(route, tenant), (attempt) =>
            check(route, caller, baseline, attempt)
          ),
          { numRuns: BODY_RUNS }
        )
      )
      await caller.stillSignedIn()
    }

    watch.stop()
    await removeTenantFiles(tenant)
    if (watch.escaped.length > 0) throw watch.escaped[0]
    if (watch.prototypePolluted()) throw new Error('Object.prototype was polluted')
  })

  test('random query strings on every GET route', async ({ client }) => {
    const tenant = await withAgentKey(await createTenant(client, gateway, 'query'))
    const caller = await tenantCaller(tenant)
    const baseline = await databaseFingerprint()
    const watch = watchProcess()

    for (const route of routes().filter((candidate) => candidate.method === 'GET')) {
      await onItsGateway(route, () =>
        fc.assert(
          fc.asyncProperty(attemptFor(route, tenant), (attempt) =>
            check(route, caller, baseline, attempt)
          ),
          { numRuns: QUERY_RUNS }
        )
      )
    }

    watch.stop()
    await removeTenantFiles(tenant)
    if (watch.escaped.length > 0) throw watch.escaped[0]
  })

  /*
  |--------------------------------------------------------------------------
  | Requests
  |--------------------------------------------------------------------------
  */

  type Body =
    | { kind: 'none' }
    | { kind: 'json'; value: unknown }
    | { kind: 'form'; fields: Record<string, unknown> }
    | { kind: 'multipart'; fields: Record<string, unknown>; file: Buffer | null }
    | { kind: 'raw'; contentType: string | null; body: string }

  type Attempt = {
    params: Record<string, string>
    query: string
    body: Body
    accept: Accept
  }

  /**
   * Plausible values for the fields the app's validators read (so that
   * requests get past the first check and into the actions), next to
   * hostile ones.
   */
  function fieldValues(tenant: Tenant): Record<string, fc.Arbitrary<unknown>> {
    const text = fc.lorem({ maxCount: 6 })
    return {
      business_id: fc.constant(tenant.business.id),
      businessId: fc.constant(tenant.business.id),
      title: text,
      description: text,
      price: fc.constantFrom('199.90', 199.9, '1,5', '$10', 0, '9999999999.99'),
      sku: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 10 }),
      stock: fc.integer({ min: 0, max: 1000 }),
      active: fc.boolean(),
      removeImage: fc.boolean(),
      name: text,
      industry: text,
      currency: fc.constantFrom('MXN', 'usd'),
      timezone: fc.constantFrom('America/Bogota', 'UTC'),
      locale: fc.constantFrom('es', 'en'),
      openaiApiKey: fc.constantFrom(ACCEPTED_KEY, 'sk-test-rejected-0123456789abcdef'),
      openaiModel: fc.constantFrom('gpt-4.1-mini', 'gpt-4o'),
      openaiBaseUrl: fc.constant(openai.baseUrl),
      botEnabled: fc.boolean(),
      email: fc.constantFrom(tenant.user.email, 'nadie@example.com'),
      password: fc.constantFrom(tenant.password, 'otra-clave-123'),
      text,
      message: text,
      user_message: text,
      phone: fc.constantFrom('5215512345678', '+52 55 1234 5678'),
      mediaUrl: fc.constant('http://127.0.0.1:9/foto.jpg'),
      dry_run: fc.constant(true),
      status: fc.constantFrom('open', 'resolved'),
      filter: fc.constantFrom('all', 'needs_human', 'bot_paused', 'unread', 'resolved'),
      q: text,
      cursor: fc.constant(CURSOR),
      before: fc.constant(CURSOR),
      limit: fc.integer({ min: 1, max: 100 }),
      page: fc.integer({ min: 1, max: 3 }),
      perPage: fc.integer({ min: 1, max: 100 }),
      version: fc.integer({ min: 1, max: 3 }),
      notes: text,
      messages: fc.array(fc.record({ role: fc.constantFrom('customer', 'business'), text }), {
        minLength: 1,
        maxLength: 3,
      }),
      replyDelaySeconds: fc.integer({ min: 0, max: 60 }),
      takeoverMinutes: fc.integer({ min: 1, max: 600 }),
      monthlyBudgetUsd: fc.constantFrom('10.50', null),
      shippingPolicy: text,
      refundPolicy: text,
      brandVoice: text,
      allowedHours: fc.constantFrom(SHOP_HOURS, null, {
        sunday: [{ open: '00:00', close: '24:00' }],
      }),
      faqs: fc.array(fc.record({ question: text, answer: text }), { maxLength: 3 }),
      prompt: fc.lorem({ mode: 'sentences', maxCount: 3 }),
      after: fc.constant('dashboard'),
      uid: fc.uuid(),
      channel: fc.constant(`businesses/${tenant.business.id}`),
      new: fc.constant('1'),
    }
  }

  /**
   * A body or query: every field the app reads, each with a plausible value
   * (so a request gets past validation into the action), then a few of
   * them hostile and a few dropped, and maybe keys nobody expects.
   */
  function fields(tenant: Tenant) {
    const known = fieldValues(tenant)
    const names = Object.keys(known)
    const hostile = fc.oneof(
      { weight: 2, arbitrary: fc.constantFrom('\u0000', 'a\u0000b', '\uD800', 'x'.repeat(300)) },
      { weight: 4, arbitrary: hostileString() },
      { weight: 2, arbitrary: hostileJson(2) }
    )
    return fc.record(known).chain((plausible) =>
      fc
        .record({
          broken: fc.subarray(names, { minLength: 1, maxLength: 3 }),
          dropped: fc.subarray(names, { maxLength: 6 }),
          values: fc.array(hostile, { minLength: 3, maxLength: 3 }),
          extra: fc.dictionary(fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string()), hostile, {
            maxKeys: 2,
          }),
        })
        .map(({ broken, dropped, values, extra }) => {
          const record: Record<string, unknown> = { ...extra, ...plausible }
          for (const name of dropped) delete record[name]
          broken.forEach((name, index) => {
            record[name] = values[index]
          })
          return record
        })
    )
  }

  function attemptFor(route: AppRoute, tenant: Tenant): fc.Arbitrary<Attempt> {
    const own = paramsFor(route, tenant)
    const params = fc.record(
      Object.fromEntries(
        Object.entries(own).map(([name, value]) => [
          name,
          fc.oneof(
            { weight: 6, arbitrary: fc.constant(value) },
            { weight: 1, arbitrary: hostileString().filter((text) => text.length < 2000) }
          ),
        ])
      )
    ) as fc.Arbitrary<Record<string, string>>

    const query = fc.oneof(
      { weight: 3, arbitrary: fc.constant('') },
      /**
       * Node refuses request heads over 16 KB by closing the connection:
       * query strings stay below that.
       */
      { weight: 4, arbitrary: fields(tenant).map((f) => toQueryString(f).slice(0, 8000)) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          'a[b][c][d][e][f][g]=1',
          '%',
          '%E0%A4%A',
          'q=%00',
          '&&&=&',
          'business_id[]=a&business_id[]=b',
          '__proto__[polluted]=1',
          'constructor[prototype][polluted]=1',
          `q=${'%27'.repeat(3000)}`
        ),
      }
    )

    const file = fc.constantFrom(images.png, images.fakeJpeg, Buffer.from('<svg onload=alert(1)>'))
    const body: fc.Arbitrary<Body> =
      route.method === 'GET'
        ? fc.constant({ kind: 'none' })
        : fc.oneof(
            {
              weight: 6,
              arbitrary: fields(tenant).map((value) => ({ kind: 'json', value }) as const),
            },
            {
              weight: 2,
              arbitrary: hostileJson().map((value) => ({ kind: 'json', value }) as const),
            },
            {
              weight: 1,
              arbitrary: fields(tenant).map((f) => ({ kind: 'form', fields: f }) as const),
            },
            {
              weight: 1,
              arbitrary: fc
                .tuple(fields(tenant), fc.option(file))
                .map(([f, upload]) => ({ kind: 'multipart', fields: f, file: upload }) as const),
            },
            {
              weight: 1,
              arbitrary: hostileRawBody().map((raw) => ({ kind: 'raw', ...raw }) as const),
            },
            { weight: 1, arbitrary: fc.constant({ kind: 'none' } as const) }
          )

    const accept = fc.constantFrom<Accept[]>('json', 'json', 'json', 'inertia', 'html')
    return fc.record({
      params,
      query: route.method === 'GET' ? query : fc.oneof(fc.constant(''), query),
      body,
      accept,
    })
  }

  function toQueryString(record: Record<string, unknown>) {
    const search = new URLSearchParams()
    for (const [key, value] of Object.entries(record)) {
      if (Array.isArray(value)) {
        for (const item of value) search.append(`${key}[]`, scalar(item))
      } else {
        search.append(key, scalar(value))
      }
    }
    return search.toString()
  }

  function scalar(value: unknown) {
    return typeof value === 'string' ? value : (JSON.stringify(value) ?? '')
  }

  function encodeBody(body: Body): {
    headers: Record<string, string>
    payload?: string | FormData
  } {
    switch (body.kind) {
      case 'none':
        return { headers: {} }
      case 'json':
        return {
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify(body.value) ?? 'null',
        }
      case 'form':
        return {
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: toQueryString(body.fields),
        }
      case 'multipart': {
        const form = new FormData()
        for (const [key, value] of Object.entries(body.fields)) form.append(key, scalar(value))
        if (body.file) {
          for (const name of ['image', 'logo', 'file']) {
            form.append(name, new Blob([new Uint8Array(body.file)]), 'foto.jpg')
          }
        }
        return { headers: {}, payload: form }
      }
      case 'raw':
        return {
          headers: body.contentType ? { 'content-type': body.contentType } : {},
          payload: body.body,
        }
    }
  }

  async function check(
    route: AppRoute,
    caller: TenantCaller,
    baseline: Record<string, string>,
    attempt: Attempt
  ) {
    const path = routeUrl(route, attempt.params) + (attempt.query ? `?${attempt.query}` : '')
    const { headers, payload } = encodeBody(attempt.body)
    const gatewayInstances = structuredClone([...gateway.instances])

    await rolledBack(async () => {
      const response = await caller.fetch(route, path, {
        method: route.method,
        headers,
        body: payload,
        accept: attempt.accept,
      })
      const text = await response.text()
      if (response.status >= 500 || response.status < 200) {
        throw new Error(
          `${route.name}: ${route.method} ${path.slice(0, 300)} answered ${response.status}: ${text.slice(0, 300)}`
        )
      }
      if (response.status < 400 && route.name === 'whatsapp.simulator.scan') {
        /**
         * The simulator delivers the "connected" webhook a moment after
         * answering: let it land in this attempt's savepoint.
         */
        await setTimeout(100)
      }
      if (response.status >= 400) {
        const changed = changedTables(baseline, await databaseFingerprint())
        if (changed.length > 0) {
          throw new Error(
            `${route.name} answered ${response.status} but wrote to ${changed.join(', ')}`
          )
        }
      }
    })
    gateway.instances = new Map(gatewayInstances)
  }
})
