import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import app from '@adonisjs/core/services/app'
import { randomUUID } from 'node:crypto'
import env from '#start/env'
import User from '#models/user'
import { JobQueue } from '#services/queue/job_queue'
import { FakeEvolution } from '#tests/helpers/fake_evolution'
import { FakeOpenAI } from '#tests/helpers/fake_openai'
import { useFakeEvolution } from '#tests/helpers/whatsapp'
import { anonymousSession } from '#tests/helpers/http_session'
import {
  appRoutes,
  changedTables,
  createTenant,
  databaseFingerprint,
  paramsFor,
  removeTenantFiles,
  rolledBack,
  routeUrl,
  send,
  tenantCaller,
  tenantFingerprint,
  type AppRoute,
  type Tenant,
} from '#tests/helpers/resilience'

/**
 * How each route of the router is tried by tenant B with tenant A's ids.
 * A route missing here fails the sweep: whoever adds a route says which
 * kind it is.
 *
 * - foreign: it names a business's row, in its path or as `business_id` /
 *   `businessId`: A's ids answer 404, exactly as ids that do not exist;
 * - own: it works on the caller's own account or current business (A's
 *   ids in its query and body are ignored);
 * - public: no account needed;
 * - special: it is tried on its own below (how is said in the reason).
 */
const SWEEP: Record<string, 'foreign' | 'own' | 'public' | { special: string }> = {
  'drive.fs.serve': { special: 'files of A: refused without A’s own signature' },
  'home': 'public',
  'locale.update': 'public',
  'session.create': 'public',
  'session.store': 'public',
  'registration.create': 'public',
  'registration.store': 'public',
  'session.destroy': 'own',
  'session.destroy_everywhere': {
    special:
      'ends every session and token of the caller only: tests/functional/security/sessions.spec.ts',
  },
  'onboarding.show': 'own',
  'onboarding.store': 'own',
  'businesses.switch': 'foreign',
  'dashboard': 'own',
  'onboarding.ai': 'own',
  'settings.business': 'own',
  'settings.business.update': 'own',
  'settings.ai': 'own',
  'settings.ai.update': 'own',
  'settings.bot': 'own',
  'settings.media': 'own',
  'api.register': 'public',
  'api.login': 'public',
  'api.me': 'own',
  'api.logout': 'own',
  'api.businesses.index': 'own',
  'api.businesses.store': 'own',
  'api.businesses.show': 'foreign',
  'api.businesses.update': 'foreign',
  'api.businesses.openai': 'foreign',
  'api.businesses.bot_toggle': 'foreign',
  'health.live': 'public',
  'health.ready': 'public',
  'transmit.events': { special: 'a stream: A’s channel is refused when B subscribes to it' },
  'transmit.subscribe': { special: 'B subscribing its own stream to A’s channel is refused' },
  'transmit.unsubscribe': 'own',
  'catalog.index': 'own',
  'catalog.create': 'own',
  'catalog.store': 'own',
  'catalog.edit': 'foreign',
  'catalog.update': 'foreign',
  'catalog.destroy': 'foreign',
  'catalog.import': 'own',
  'catalog.import.template': 'own',
  'catalog.import.preview': 'own',
  'catalog.import.store': 'own',
  'settings.business.logo': 'own',
  'settings.business.logo.destroy': 'own',
  'api.products.index': 'foreign',
  'api.products.store': 'foreign',
  'api.products.show': 'foreign',
  'api.products.update': 'foreign',
  'api.products.destroy': 'foreign',
  'knowledge.policies': 'own',
  'knowledge.policies.update': 'own',
  'knowledge.prompt': 'own',
  'knowledge.prompt.store': 'own',
  'knowledge.prompt.restore': 'foreign',
  'api.policies.show': 'foreign',
  'api.policies.store': 'foreign',
  'api.policies.update': 'foreign',
  'api.prompt.show': 'foreign',
  'api.prompt.store': 'foreign',
  'api.prompt.update': 'foreign',
  'webhooks.whatsapp': { special: 'B’s webhook secret on A’s instance is refused' },
  'api.wa.create': 'foreign',
  'api.wa.status': 'foreign',
  'api.wa.qr': 'foreign',
  'api.wa.send': 'foreign',
  'api.wa.reconnect': 'foreign',
  'api.wa.logout': 'foreign',
  'api.wa.destroy': 'foreign',
  'whatsapp.show': 'own',
  'whatsapp.connect': 'own',
  'whatsapp.logout': 'own',
  'whatsapp.destroy': 'own',
  'whatsapp.simulator.scan': 'own',
  'whatsapp.simulator': 'own',
  'whatsapp.simulator.message': 'own',
  'inbox.index': 'own',
  'inbox.show': 'foreign',
  'inbox.summary': 'own',
  'inbox.conversations': 'own',
  'inbox.conversation': 'foreign',
  'inbox.conversation.update': 'foreign',
  'inbox.conversation.read': 'foreign',
  'inbox.messages': 'foreign',
  'inbox.messages.store': 'foreign',
  'inbox.messages.retry': 'foreign',
  'inbox.messages.media': 'foreign',
  'inbox.messages.media.retry': 'foreign',
  'inbox.contact.update': 'foreign',
  'api.conversations.index': 'foreign',
  'api.conversations.show': 'foreign',
  'api.conversations.update': 'foreign',
  'api.conversations.messages': 'foreign',
  'api.conversations.reply': 'foreign',
  'api.conversations.read': 'foreign',
  'api.agent.think': 'foreign',
  'agent.playground': 'own',
  'agent.playground.turn': 'own',
  'agent.usage': 'own',
  'agent.settings': 'own',
}

/**
 * What each route asks of the person's role in the business it works on:
 * owner (the shop's decisions: profile, keys, catalog, knowledge, the
 * WhatsApp number, the agent on demand), member (every member: the inbox,
 * reading the shop), or none (no business: public, the person's own
 * account). As with SWEEP, a route missing here fails the sweep.
 */
const ROLES: Record<string, 'owner' | 'member' | 'none'> = {
  ...Object.fromEntries(
    [
      'drive.fs.serve',
      'home',
      'locale.update',
      'session.create',
      'session.store',
      'registration.create',
      'registration.store',
      'session.destroy',
      'session.destroy_everywhere',
      'onboarding.show',
      'onboarding.store',
      'businesses.switch',
      'api.register',
      'api.login',
      'api.me',
      'api.logout',
      'api.businesses.index',
      'api.businesses.store',
      'health.live',
      'health.ready',
      'transmit.events',
      'transmit.subscribe',
      'transmit.unsubscribe',
      'webhooks.whatsapp',
      'catalog.import.template',
    ].map((name) => [name, 'none' as const])
  ),
  ...Object.fromEntries(
    [
      'onboarding.ai',
      'settings.business.update',
      'settings.ai.update',
      'settings.bot',
      'settings.media',
      'api.businesses.update',
      'api.businesses.openai',
      'api.businesses.bot_toggle',
      'catalog.create',
      'catalog.store',
      'catalog.edit',
      'catalog.update',
      'catalog.destroy',
      'catalog.import',
      'catalog.import.preview',
      'catalog.import.store',
      'settings.business.logo',
      'settings.business.logo.destroy',
      'api.products.store',
      'api.products.update',
      'api.products.destroy',
      'knowledge.policies.update',
      'knowledge.prompt.store',
      'knowledge.prompt.restore',
      'api.policies.store',
      'api.policies.update',
      'api.prompt.store',
      'api.prompt.update',
      'api.wa.create',
      'api.wa.qr',
      'api.wa.reconnect',
      'api.wa.logout',
      'api.wa.destroy',
      'whatsapp.connect',
      'whatsapp.logout',
      'whatsapp.destroy',
      'whatsapp.simulator.scan',
      'whatsapp.simulator',
      'whatsapp.simulator.message',
      'api.agent.think',
      'agent.playground.turn',
      'agent.settings',
    ].map((name) => [name, 'owner' as const])
  ),
  ...Object.fromEntries(
    [
      'dashboard',
      'settings.business',
      'settings.ai',
      'api.businesses.show',
      'catalog.index',
      'api.products.index',
      'api.products.show',
      'knowledge.policies',
      'knowledge.prompt',
      'api.policies.show',
      'api.prompt.show',
      'api.wa.status',
      'api.wa.send',
      'whatsapp.show',
      'inbox.index',
      'inbox.show',
      'inbox.summary',
      'inbox.conversations',
      'inbox.conversation',
      'inbox.conversation.update',
      'inbox.conversation.read',
      'inbox.messages',
      'inbox.messages.store',
      'inbox.messages.retry',
      'inbox.messages.media',
      'inbox.messages.media.retry',
      'inbox.contact.update',
      'api.conversations.index',
      'api.conversations.show',
      'api.conversations.update',
      'api.conversations.messages',
      'api.conversations.reply',
      'api.conversations.read',
      'agent.playground',
      'agent.usage',
    ].map((name) => [name, 'member' as const])
  ),
}

const ACCEPTED_KEY = 'sk-test-sweep-0123456789abcdefghij'

/**
 * Tenant B, signed in, calls every route of the router with tenant A's
 * ids in its path, query and body. Nothing of A is answered or changed,
 * the gateway is never asked about A's WhatsApp, and A's rows look exactly
 * like rows that do not exist.
 */
test.group('Resilience: tenant isolation over every route', (group) => {
  const gateway = new FakeEvolution()
  const openai = new FakeOpenAI()

  group.setup(async () => {
    await gateway.start()
    await openai.start()
    const restoreGateway = useFakeEvolution(gateway)
    const previousBaseUrl = env.get('OPENAI_BASE_URL')
    env.set('OPENAI_BASE_URL', openai.baseUrl)
    /**
     * Started before any test's transaction (see fuzz_json_endpoints).
     */
    const queue = await app.container.make(JobQueue)
    await queue.start()
    return async () => {
      await queue.stop(2_000)
      env.set('OPENAI_BASE_URL', previousBaseUrl ?? '')
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
  group.each.timeout(120_000)

  async function twoTenants(client: Parameters<typeof createTenant>[0]) {
    const a = await createTenant(client, gateway, 'alfa')
    const b = await createTenant(client, gateway, 'beta')
    for (const tenant of [a, b]) {
      tenant.business.setOpenaiApiKey(ACCEPTED_KEY)
      await tenant.business.save()
    }
    gateway.requests = []
    return { a, b }
  }

  /**
   * A body every route accepts: valid for each field any route reads, with
   * A's business wherever a business is named.
   */
  function bodyNaming(a: Tenant) {
    return {
      business_id: a.business.id,
      businessId: a.business.id,
      title: 'Producto de B',
      description: 'Escrito por B',
      price: '10.00',
      stock: 1,
      active: true,
      name: 'Nombre de B',
      currency: 'MXN',
      timezone: 'America/Bogota',
      locale: 'es',
      openaiApiKey: ACCEPTED_KEY,
      openaiModel: 'gpt-4.1-mini',
      botEnabled: false,
      understandMedia: false,
      unheardAudio: 'human',
      transcriptionModel: 'whisper-1',
      email: 'intruso@example.com',
      password: 'intruso-12345',
      text: 'Hola desde B',
      message: 'Hola desde B',
      user_message: 'Hola',
      phone: '5215512345678',
      dry_run: true,
      status: 'resolved',
      notes: 'Notas de B',
      messages: [{ role: 'customer', text: 'Hola' }],
      replyDelaySeconds: 3,
      takeoverMinutes: 60,
      shippingPolicy: 'Envíos de B',
      faqs: [],
      prompt: 'Eres el asistente de la tienda B. Vende con calidez y claridad.',
    }
  }

  function urlFor(route: AppRoute, ids: Record<string, string>, businessId: string) {
    const query = new URLSearchParams({ business_id: businessId, businessId })
    return `${routeUrl(route, ids)}?${query}`
  }

  const missingIds = (route: AppRoute) =>
    Object.fromEntries(route.params.map(({ name }) => [name, randomUUID()]))

  const swept = () =>
    appRoutes().filter((route) => {
      const kind = SWEEP[route.name]
      return typeof kind === 'string'
    })

  test('the sweep knows every route of the router', async ({ assert }) => {
    const unknown = appRoutes()
      .filter((route) => !(route.name in SWEEP))
      .map((route) => `${route.name} (${route.method} ${route.pattern})`)
    assert.deepEqual(unknown, [], 'routes the tenant sweep does not know how to call: add them')

    const stale = Object.keys(SWEEP).filter(
      (name) => !appRoutes().some((route) => route.name === name)
    )
    assert.deepEqual(stale, [], 'SWEEP names routes that no longer exist')

    for (const route of appRoutes()) {
      if (route.params.length > 0 && typeof SWEEP[route.name] === 'string') {
        assert.equal(SWEEP[route.name], 'foreign', `${route.name} names a row in its path`)
      }
    }
  })

  test('tenant B with tenant A’s ids: 404 like a missing id, nothing of A shown or changed', async ({
    client,
    assert,
  }) => {
    const { a, b } = await twoTenants(client)
    const caller = await tenantCaller(b)
    const body = JSON.stringify(bodyNaming(a))
    const aBefore = await tenantFingerprint(a)
    const everything = await databaseFingerprint()

    for (const route of swept()) {
      const kind = SWEEP[route.name]
      const call = (path: string) =>
        caller.fetch(route, path, {
          method: route.method,
          headers: route.method === 'GET' ? {} : { 'content-type': 'application/json' },
          body: route.method === 'GET' ? undefined : body,
          accept: route.method === 'GET' && route.guard === 'web' ? 'inertia' : 'json',
        })

      const label = `${route.name} (${route.method} ${route.pattern})`
      const path = urlFor(route, paramsFor(route, a), a.business.id)
      const answer = await rolledBack(async () => {
        const response = await call(path)
        const text = await response.text()
        const shown = `${text} ${response.headers.get('location') ?? ''}`
        assert.notInclude(shown, a.marker, `${label} showed A's data`)
        assert.deepEqual(await tenantFingerprint(a), aBefore, `${label} changed A's rows`)
        if (kind === 'foreign') {
          assert.deepEqual(
            changedTables(everything, await databaseFingerprint()),
            [],
            `${label} refused B but wrote`
          )
        }
        return { status: response.status, text }
      })

      assert.notIncludeMembers(
        gateway.requests.map((request) => request.path.split('/').pop()),
        [a.instance.instanceName],
        `${label} reached A's WhatsApp`
      )
      assert.isBelow(answer.status, 500, `${label}: ${answer.text.slice(0, 200)}`)

      if (kind === 'foreign') {
        assert.equal(answer.status, 404, `${label} answered ${answer.status} to A's ids`)
        const missing = await rolledBack(async () => {
          const response = await call(urlFor(route, missingIds(route), randomUUID()))
          await response.text()
          return response.status
        })
        assert.equal(missing, answer.status, `${label}: A's ids and missing ids answer alike`)
      }
      await caller.stillSignedIn()
    }

    // B's own rows are still B's: the sweep did not lock B out either.
    const own = await send('GET', `/products/${b.product.id}`, {
      headers: { authorization: `Bearer ${b.token}` },
    })
    assert.equal(own.status, 200)
    await removeTenantFiles(a, b)
  })

  test('a member who is not the owner: owner-only routes answer 403 and change nothing; the rest let them work', async ({
    client,
    assert,
  }) => {
    const unknown = appRoutes()
      .filter((route) => !(route.name in ROLES))
      .map((route) => route.name)
    assert.deepEqual(unknown, [], 'routes ROLES does not place: say who may call them')

    const { a } = await twoTenants(client)
    const member = await User.create({
      fullName: 'Vendedora de A',
      email: `vendedora-${a.marker}@example.com`,
      password: a.password,
      locale: 'es',
    })
    await a.business.related('members').attach({ [member.id]: { role: 'agent' } })
    const access = await User.accessTokens.create(member)
    const token = access.value!.release()
    const caller = await tenantCaller({ ...a, user: member, token })
    const body = JSON.stringify(bodyNaming(a))
    const everything = await databaseFingerprint()

    for (const route of appRoutes().filter((candidate) => ROLES[candidate.name] !== 'none')) {
      const label = `${route.name} (${route.method} ${route.pattern})`
      const answer = await rolledBack(async () => {
        const response = await caller.fetch(
          route,
          urlFor(route, paramsFor(route, a), a.business.id),
          {
            method: route.method,
            headers: route.method === 'GET' ? {} : { 'content-type': 'application/json' },
            body: route.method === 'GET' ? undefined : body,
            accept: route.method === 'GET' && route.guard === 'web' ? 'inertia' : 'json',
          }
        )
        const text = await response.text()
        const changed = changedTables(everything, await databaseFingerprint())
        return { status: response.status, text, changed }
      })
      if (ROLES[route.name] === 'owner') {
        assert.equal(answer.status, 403, `${label}: a member got ${answer.status}`)
        assert.deepEqual(answer.changed, [], `${label} refused a member but wrote`)
      } else {
        assert.notEqual(answer.status, 403, `${label}: refused to a member`)
        assert.isBelow(answer.status, 500, `${label}: ${answer.text.slice(0, 200)}`)
      }
      await caller.stillSignedIn()
    }
    await removeTenantFiles(a)
  })

  test('without credentials, with a revoked token, or with a token on web routes: refused', async ({
    client,
    assert,
  }) => {
    const { a } = await twoTenants(client)
    const guest = await anonymousSession()
    // A token its owner signed out with (POST /auth/logout).
    const revoked = await User.accessTokens.create(a.user)
    const revokedToken = revoked.value!.release()
    const logout = await send('POST', '/auth/logout', {
      headers: { authorization: `Bearer ${revokedToken}` },
    })
    assert.equal(logout.status, 204)
    const body = JSON.stringify(bodyNaming(a))
    const aBefore = await tenantFingerprint(a)

    for (const route of appRoutes().filter((candidate) => candidate.guard && !candidate.guest)) {
      const label = `${route.name} (${route.method} ${route.pattern})`
      const path = urlFor(route, paramsFor(route, a), a.business.id)
      const init = (headers: Record<string, string>) => ({
        method: route.method,
        headers: { 'content-type': 'application/json', ...headers },
        body: route.method === 'GET' ? undefined : body,
      })

      if (route.guard === 'api') {
        for (const authorization of [undefined, `Bearer ${revokedToken}`, 'Bearer atd_forged']) {
          const response = await guest.fetch(
            path,
            init(authorization ? { authorization, accept: 'application/json' } : {})
          )
          assert.equal(response.status, 401, `${label} with ${authorization ?? 'no token'}`)
          assert.notInclude(await response.text(), a.marker)
        }
      } else {
        const json = await guest.fetch(path, init({ accept: 'application/json' }))
        assert.equal(json.status, 401, `${label} as JSON without a session`)
        assert.notInclude(await json.text(), a.marker)

        const page = await guest.fetch(path, init({ accept: 'text/html' }))
        assert.equal(page.status, 302, `${label} in a browser without a session`)
        assert.match(page.headers.get('location') ?? '', /^\/login(\?|$)/, label)

        const token = await guest.fetch(
          path,
          init({ authorization: `Bearer ${a.token}`, accept: 'application/json' })
        )
        assert.equal(token.status, 401, `${label}: an API token is not a session`)
      }
    }

    assert.deepEqual(await tenantFingerprint(a), aBefore)
    await removeTenantFiles(a)
  })

  test('live events: B cannot listen to A’s channel', async ({ client, assert }) => {
    const { a, b } = await twoTenants(client)
    const caller = await tenantCaller(b)
    const uid = randomUUID()
    const stream = new AbortController()
    const events = await caller.session().fetch(`/__transmit/events?uid=${uid}`, {
      signal: stream.signal,
    })
    assert.equal(events.status, 200)

    const subscribe = (channel: unknown) =>
      caller.session().fetch('/__transmit/subscribe', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'accept': 'application/json' },
        body: JSON.stringify({ uid, channel }),
      })

    // Transmit answers a refused subscription with a 400; the same stream
    // subscribing to B's own channel right after shows the refusal was
    // about the channel.
    const foreign = await subscribe(`businesses/${a.business.id}`)
    assert.equal(foreign.status, 400, 'subscribing to A’s channel')
    const own = await subscribe(`businesses/${b.business.id}`)
    assert.equal(own.status, 204, 'subscribing to B’s own channel')

    // A malformed subscription is refused, not a crash.
    for (const channel of [undefined, 42, { a: 1 }, '']) {
      const malformed = await subscribe(channel)
      assert.equal(malformed.status, 422, `channel ${JSON.stringify(channel)}`)
    }
    stream.abort()
    await removeTenantFiles(a, b)
  })

  test('files: A’s photo is served only with a signature made for it', async ({
    client,
    assert,
  }) => {
    const { a, b } = await twoTenants(client)
    const ownUrl = (await send('GET', `/products/${b.product.id}`, {
      headers: { authorization: `Bearer ${b.token}` },
    }).then((response) => JSON.parse(response.text).imageUrl)) as string
    const signed = new URL(ownUrl, 'http://local')

    const unsigned = await send('GET', `/uploads/${a.productImageKey}`)
    assert.equal(unsigned.status, 401)
    const borrowed = await send('GET', `/uploads/${a.productImageKey}${signed.search}`)
    assert.equal(borrowed.status, 401, 'B’s signature does not open A’s file')
    const own = await send('GET', `${signed.pathname}${signed.search}`)
    assert.equal(own.status, 200)
    await removeTenantFiles(a, b)
  })

  test('webhook: B’s instance secret does not open A’s instance', async ({ client, assert }) => {
    const { a, b } = await twoTenants(client)
    const aBefore = await tenantFingerprint(a)
    const delivery = (instance: string) =>
      JSON.stringify({
        event: 'messages.upsert',
        instance,
        data: FakeEvolution.textMessage({
          id: `SWEEP-${randomUUID()}`,
          from: '5215512340000@s.whatsapp.net',
          text: 'Hola',
        }),
      })
    const bHeaders = {
      'content-type': 'application/json',
      ...gateway.instances.get(b.instance.instanceName)!.webhook.headers,
    }

    const foreign = await send('POST', '/webhooks/whatsapp', {
      headers: bHeaders,
      body: delivery(a.instance.instanceName),
    })
    assert.equal(foreign.status, 401)
    assert.deepEqual(await tenantFingerprint(a), aBefore)

    const own = await send('POST', '/webhooks/whatsapp', {
      headers: bHeaders,
      body: delivery(b.instance.instanceName),
    })
    assert.equal(own.status, 200)
    assert.deepEqual(await tenantFingerprint(a), aBefore)
    await removeTenantFiles(a, b)
  })
})
