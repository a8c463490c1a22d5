import { test } from '@japa/runner'
import ace from '@adonisjs/core/services/ace'
import testUtils from '@adonisjs/core/services/test_utils'
import WhatsappInstance from '#models/whatsapp_instance'
import WhatsappResubscribe from '../../../commands/whatsapp_resubscribe.js'
import { createOwnerWithBusiness, tokenFor } from '#tests/helpers/factories'
import { connectedBusiness, fakeEvolutionFor } from '#tests/helpers/whatsapp'
import { signedInSession } from '#tests/helpers/http_session'

test.group('WhatsApp connection (Evolution gateway)', (group) => {
  const fake = fakeEvolutionFor(group)
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('creating an instance registers it on the gateway as the contract says and answers the QR', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)

    const response = await client
      .post('/wa/create')
      .bearerToken(token)
      .json({ business_id: business.id })

    response.assertStatus(201)
    assert.equal(response.body().status, 'pending_qr')
    assert.match(response.body().qr, /^data:image\/png;base64,/)
    assert.notProperty(response.body(), 'token')

    const [create] = fake.sent('/instance/create')
    assert.equal(create.apikey, fake.globalKey)
    assert.containSubset(create.body, {
      qrcode: true,
      integration: 'WHATSAPP-BAILEYS',
      groupsIgnore: true,
      webhook: {
        url: `http://127.0.0.1:3334/webhooks/whatsapp?instance=${create.body.instanceName}`,
        byEvents: false,
        base64: true,
        events: [
          'MESSAGES_UPSERT',
          'MESSAGES_UPDATE',
          'MESSAGES_EDITED',
          'MESSAGES_DELETE',
          'SEND_MESSAGE',
          'CONNECTION_UPDATE',
          'QRCODE_UPDATED',
          'CONTACTS_UPSERT',
          'CONTACTS_UPDATE',
        ],
      },
    })
    assert.match(create.body.webhook.headers.authorization, /^Bearer [\w-]{40,}$/)
    assert.match(create.body.token, /^[0-9A-F-]{36}$/)

    const stored = await WhatsappInstance.findByOrFail('business_id', business.id)
    assert.equal(stored.instanceName, create.body.instanceName)
    assert.notEqual(stored.token, create.body.token)
    assert.equal(stored.revealToken(), create.body.token)
    assert.equal(
      `Bearer ${stored.revealWebhookSecret()}`,
      create.body.webhook.headers.authorization
    )

    const again = await client
      .post('/wa/create')
      .bearerToken(token)
      .json({ business_id: business.id })
    again.assertStatus(200)
    assert.lengthOf(fake.sent('/instance/create'), 1)
    assert.lengthOf(fake.sent('/instance/connect'), 1)
  })

  test('a new QR from the gateway replaces the old one; "open" shows the phone and profile', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)
    await client.post('/wa/create').bearerToken(token).json({ business_id: business.id })
    const instance = await WhatsappInstance.findByOrFail('business_id', business.id)

    const qrDelivery = await fake.deliver(instance.instanceName, 'qrcode.updated', {
      qrcode: {
        instance: instance.instanceName,
        pairingCode: null,
        code: '2@x',
        base64: 'data:image/png;base64,TkVXUVI=',
      },
    })
    assert.equal(qrDelivery.status, 200)

    const qr = await client.get(`/wa/${business.id}/qr`).bearerToken(token)
    assert.deepEqual(qr.body(), { status: 'pending_qr', qr: 'data:image/png;base64,TkVXUVI=' })

    await fake.deliver(instance.instanceName, 'connection.update', {
      instance: instance.instanceName,
      wuid: '5215599990000@s.whatsapp.net',
      profileName: 'Tienda Rosa',
      state: 'open',
      statusReason: 200,
    })

    const status = await client.get(`/wa/${business.id}/status`).bearerToken(token)
    status.assertStatus(200)
    assert.containSubset(status.body(), {
      status: 'open',
      phone: '5215599990000',
      profileName: 'Tienda Rosa',
    })
    assert.isString(status.body().lastConnection)
  })

  test('a QR limit (refused) and a logout from the phone are shown honestly', async ({
    client,
    assert,
  }) => {
    const { instance, token, business } = await connectedBusiness(client, fake)

    await fake.deliver(instance.instanceName, 'connection.update', {
      instance: instance.instanceName,
      state: 'close',
      statusReason: 401,
    })
    let status = await client.get(`/wa/${business.id}/status`).bearerToken(token)
    assert.equal(status.body().status, 'closed')

    await fake.deliver(instance.instanceName, 'connection.update', {
      state: 'refused',
      statusReason: 428,
    })
    status = await client.get(`/wa/${business.id}/status`).bearerToken(token)
    assert.equal(status.body().status, 'refused')

    const retried = await client.post(`/wa/${business.id}/reconnect`).bearerToken(token)
    retried.assertStatus(200)
    assert.equal(retried.body().status, 'pending_qr')
    assert.match(retried.body().qr, /^data:image\/png/)
  })

  test('a connection that drops shows "reconnecting", keeps taking messages, and is open again after', async ({
    client,
    assert,
  }) => {
    const { instance, token, business } = await connectedBusiness(client, fake)
    const connection = (state: string) =>
      fake.deliver(instance.instanceName, 'connection.update', {
        instance: instance.instanceName,
        state,
        statusReason: 200,
        ...(state === 'open'
          ? { wuid: '5215599990000@s.whatsapp.net', profileName: 'Tienda' }
          : {}),
      })

    await connection('connecting')
    let status = await client.get(`/wa/${business.id}/status`).bearerToken(token)
    assert.containSubset(status.body(), {
      status: 'reconnecting',
      connected: true,
      phone: '5215599990000',
    })

    /**
     * Asking for the QR meanwhile does not start a new pairing.
     */
    const qr = await client.get(`/wa/${business.id}/qr`).bearerToken(token)
    assert.deepEqual(qr.body(), { status: 'reconnecting', qr: null })
    assert.lengthOf(fake.sent('/instance/connect'), 0)

    fake.dropConnection(1)
    const sent = await client
      .post(`/wa/${business.id}/send`)
      .bearerToken(token)
      .json({ phone: '5215512345678', message: 'Su pedido salió hoy' })
    sent.assertStatus(201)
    assert.containSubset(sent.body(), { status: 'queued', error: null })

    await connection('open')
    status = await client.get(`/wa/${business.id}/status`).bearerToken(token)
    assert.containSubset(status.body(), { status: 'open', connected: true })
  })

  test('"connecting" while waiting for the scan is still waiting for the scan', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)
    await client.post('/wa/create').bearerToken(token).json({ business_id: business.id })
    const instance = await WhatsappInstance.findByOrFail('business_id', business.id)

    await fake.deliver(instance.instanceName, 'connection.update', {
      instance: instance.instanceName,
      state: 'connecting',
      statusReason: 200,
    })
    const status = await client.get(`/wa/${business.id}/status`).bearerToken(token)
    assert.containSubset(status.body(), { status: 'pending_qr', connected: false })
  })

  test('the QR limit’s qrcode.updated without a QR is accepted and changes nothing', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)
    await client.post('/wa/create').bearerToken(token).json({ business_id: business.id })
    const instance = await WhatsappInstance.findByOrFail('business_id', business.id)
    const before = instance.qrCode

    const delivery = await fake.deliver(instance.instanceName, 'qrcode.updated', {
      message: 'QR code limit reached, please login again',
      statusCode: 500,
    })
    assert.equal(delivery.status, 200)

    await instance.refresh()
    assert.equal(instance.status, 'pending_qr')
    assert.equal(instance.qrCode, before)
  })

  test('whatsapp:resubscribe sets every instance’s webhook again, past one that fails', async ({
    client,
    assert,
  }) => {
    /**
     * Only this test's instances (suites with workers commit theirs); the
     * global transaction brings them back.
     */
    await WhatsappInstance.query().delete()
    const a = await connectedBusiness(client, fake, 'Tienda A')
    const b = await connectedBusiness(client, fake, 'Tienda B')
    const c = await connectedBusiness(client, fake, 'Tienda C')
    /**
     * Created before the new events; and one the gateway lost.
     */
    fake.instances.get(a.instance.instanceName)!.webhook.events = ['MESSAGES_UPSERT']
    fake.instances.get(b.instance.instanceName)!.webhook = { url: '', headers: {}, events: [] }
    fake.instances.delete(c.instance.instanceName)

    ace.ui.switchMode('raw')
    try {
      const command = await ace.create(WhatsappResubscribe, [])
      await command.exec()
      command.assertExitCode(1)
      command.assertLog('[ blue(info) ] 2 instance(s) resubscribed, 1 failed')
    } finally {
      ace.ui.switchMode('normal')
    }

    const sets = fake.sent('/webhook/set')
    assert.lengthOf(sets, 3)
    for (const { instance } of [a, b]) {
      const set = sets.find((request) => request.path.endsWith(`/${instance.instanceName}`))!
      assert.equal(set.apikey, instance.revealToken())
      assert.deepEqual(set.body, {
        webhook: {
          enabled: true,
          url: `http://127.0.0.1:3334/webhooks/whatsapp?instance=${instance.instanceName}`,
          headers: { authorization: `Bearer ${instance.revealWebhookSecret()}` },
          byEvents: false,
          base64: true,
          events: [
            'MESSAGES_UPSERT',
            'MESSAGES_UPDATE',
            'MESSAGES_EDITED',
            'MESSAGES_DELETE',
            'SEND_MESSAGE',
            'CONNECTION_UPDATE',
            'QRCODE_UPDATED',
            'CONTACTS_UPSERT',
            'CONTACTS_UPDATE',
          ],
        },
      })
      assert.deepEqual(fake.instances.get(instance.instanceName)!.webhook, {
        url: set.body.webhook.url,
        headers: set.body.webhook.headers,
        events: set.body.webhook.events,
      })
    }

    /**
     * The instance set again delivers with its secret, as before.
     */
    const delivery = await fake.deliver(b.instance.instanceName, 'connection.update', {
      instance: b.instance.instanceName,
      state: 'connecting',
      statusReason: 200,
    })
    assert.equal(delivery.status, 200)
  })

  test('logout and delete reach the gateway', async ({ client, assert }) => {
    const { token, business, instance } = await connectedBusiness(client, fake)

    const logout = await client.post(`/wa/${business.id}/logout`).bearerToken(token)
    logout.assertStatus(200)
    assert.equal(logout.body().status, 'closed')
    assert.equal(fake.instances.get(instance.instanceName)?.state, 'close')

    const removed = await client.delete(`/wa/${business.id}`).bearerToken(token)
    removed.assertStatus(204)
    assert.isFalse(fake.instances.has(instance.instanceName))
    assert.isNull(await WhatsappInstance.findBy('business_id', business.id))
  })

  test('an unreachable gateway is a clear, translated 503 and nothing is stored', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)
    fake.failNext(500, 502, 503, 500)

    const response = await client
      .post('/wa/create')
      .bearerToken(token)
      .json({ business_id: business.id })

    response.assertStatus(503)
    assert.equal(
      response.body().message,
      'No pudimos comunicarnos con el servidor de WhatsApp. Inténtalo de nuevo en un momento.'
    )
    assert.lengthOf(fake.sent('/instance/create'), 4)
    assert.isNull(await WhatsappInstance.findBy('business_id', business.id))
  })

  test('another tenant’s business answers 404 on every WhatsApp route', async ({
    client,
    assert,
  }) => {
    const a = await connectedBusiness(client, fake, 'Tienda A')
    const b = await createOwnerWithBusiness('Tienda B')
    const tokenB = await tokenFor(b.user)

    const create = await client
      .post('/wa/create')
      .bearerToken(tokenB)
      .json({ business_id: a.business.id })
    create.assertStatus(404)

    for (const [method, path] of [
      ['get', 'status'],
      ['get', 'qr'],
      ['post', 'reconnect'],
      ['post', 'logout'],
    ] as const) {
      const response = await client[method](`/wa/${a.business.id}/${path}`).bearerToken(tokenB)
      assert.equal(response.status(), 404, `${method} ${path}`)
    }
    const send = await client
      .post(`/wa/${a.business.id}/send`)
      .bearerToken(tokenB)
      .json({ phone: '5215512345678', message: 'hola' })
    send.assertStatus(404)
    const destroy = await client.delete(`/wa/${a.business.id}`).bearerToken(tokenB)
    destroy.assertStatus(404)

    assert.isTrue(fake.instances.has(a.instance.instanceName))
    assert.lengthOf(fake.sent('/message/sendText'), 0)
  })

  test('only a business’s own users may listen to its live events', async ({ assert }) => {
    const a = await createOwnerWithBusiness('Tienda A')
    const b = await createOwnerWithBusiness('Tienda B')
    const channel = `businesses/${a.business.id}`

    for (const [user, expected] of [
      [b.user, 400],
      [a.user, 204],
    ] as const) {
      const session = await signedInSession(user.email, 'secreta123')
      const uid = crypto.randomUUID()
      const stream = new AbortController()
      const events = await session.fetch(`/__transmit/events?uid=${uid}`, { signal: stream.signal })
      assert.equal(events.status, 200)
      try {
        const subscribe = await session.fetch('/__transmit/subscribe', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ uid, channel }),
        })
        assert.equal(subscribe.status, expected, `${user.email} subscribing`)
      } finally {
        stream.abort()
      }
    }
  })
})
