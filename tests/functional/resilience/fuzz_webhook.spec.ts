import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import drive from '@adonisjs/drive/services/main'
import Message from '#models/message'
import fc from 'fast-check'
import { gzipSync } from 'node:zlib'
import { FakeEvolution, PIXEL_JPEG } from '#tests/helpers/fake_evolution'
import { connectedBusiness, fakeEvolutionFor } from '#tests/helpers/whatsapp'
import {
  deeplyNested,
  hostileJson,
  hostileRawBody,
  hostileString,
  rolledBack,
  send,
  watchProcess,
} from '#tests/helpers/resilience'

/**
 * POST /webhooks/whatsapp is open to the internet: anything may arrive.
 * Whatever it is, the answer is a 2xx or a 4xx (never a 5xx, which the
 * gateway would retry for minutes), the process keeps running, a refused
 * delivery stores nothing, and what an accepted one stored can be read back.
 *
 * Each case runs in a savepoint rolled back afterwards, so cases do not
 * depend on each other and a failure shrinks to the smallest delivery.
 */
test.group('Resilience: fuzzing the WhatsApp webhook', (group) => {
  const fake = fakeEvolutionFor(group)
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.each.timeout(60_000)

  async function counts() {
    const { rows } = await db.rawQuery(
      `SELECT (SELECT count(*) FROM messages) AS messages,
              (SELECT count(*) FROM contacts) AS contacts,
              (SELECT count(*) FROM conversations) AS conversations,
              (SELECT md5(string_agg(to_jsonb(w)::text, ',' ORDER BY w.id)) FROM whatsapp_instances w) AS instances`
    )
    return rows[0] as Record<string, string>
  }

  /**
   * A connected business on the fake gateway, its webhook headers, and
   * another business's (whose secret must not open the first one).
   */
  async function setup(client: Parameters<typeof connectedBusiness>[0]) {
    const shop = await connectedBusiness(client, fake, 'Tienda Fuzz')
    const other = await connectedBusiness(client, fake, 'Otra Tienda')
    /**
     * No agent turns: this is about what the webhook stores.
     */
    shop.business.botEnabled = false
    await shop.business.save()
    const headers = fake.instances.get(shop.instance.instanceName)!.webhook.headers
    const otherHeaders = fake.instances.get(other.instance.instanceName)!.webhook.headers
    return { ...shop, headers, otherHeaders, name: shop.instance.instanceName }
  }

  const post = (body: string, headers: Record<string, string>) =>
    send('POST', '/webhooks/whatsapp', { headers, body })

  const envelope = (instance: unknown, event: unknown, data: unknown) => ({
    event,
    instance,
    data,
    destination: 'http://127.0.0.1/webhooks/whatsapp',
    date_time: new Date().toISOString(),
    sender: '5215599990000@s.whatsapp.net',
    server_url: fake.url,
    apikey: null,
  })

  /**
   * Sends the deliveries in a savepoint. Each answer must be 2xx or 4xx; a
   * 4xx must leave the counted rows as they were; at the end, the
   * business's inbox (lists and histories) must still be readable.
   */
  async function deliverAll(
    shop: Awaited<ReturnType<typeof setup>>,
    deliveries: { body: string; headers: Record<string, string> }[]
  ) {
    await rolledBack(async () => {
      const start = await counts()
      for (const delivery of deliveries) {
        const before = await counts()
        const answer = await post(delivery.body, delivery.headers)
        if (answer.status >= 500 || answer.status < 200) {
          throw new Error(
            `${answer.status} for ${delivery.body.slice(0, 300)}: ${answer.text.slice(0, 300)}`
          )
        }
        if (answer.status >= 400) {
          const after = await counts()
          if (JSON.stringify(after) !== JSON.stringify(before)) {
            throw new Error(`A refused delivery (${answer.status}) stored rows: ${delivery.body}`)
          }
        }
      }
      if (JSON.stringify(await counts()) !== JSON.stringify(start)) {
        await inboxIsReadable(shop)
      }
    })
  }

  async function inboxIsReadable(shop: Awaited<ReturnType<typeof setup>>) {
    const auth = { authorization: `Bearer ${shop.token}` }
    const list = await send('GET', `/conversations?business_id=${shop.business.id}&limit=100`, {
      headers: auth,
    })
    if (list.status !== 200) throw new Error(`the inbox list answered ${list.status}`)
    for (const conversation of JSON.parse(list.text).data as { id: string }[]) {
      const history = await send('GET', `/conversations/${conversation.id}/messages`, {
        headers: auth,
      })
      if (history.status !== 200) {
        throw new Error(`a history answered ${history.status}: ${history.text.slice(0, 300)}`)
      }
    }
  }

  /*
  |--------------------------------------------------------------------------
  | Deliveries as the gateway sends them, then broken in one or two places
  |--------------------------------------------------------------------------
  */

  const phoneJid = fc
    .integer({ min: 1_000_000, max: 9_999_999 })
    .map((n) => `52155${n}@s.whatsapp.net`)

  const jid = fc.oneof(
    { weight: 6, arbitrary: phoneJid },
    fc.integer({ min: 1_000_000, max: 9_999_999 }).map((n) => `10389977${n}@lid`),
    fc.constantFrom(
      '120363025246125486@g.us',
      'status@broadcast',
      '120363@newsletter',
      '5215512345678:12@s.whatsapp.net',
      '@s.whatsapp.net',
      '5215512345678@c.us'
    ),
    // Around the 120 characters JIDs are stored in.
    fc.integer({ min: 90, max: 200 }).map((length) => `${'5'.repeat(length)}@s.whatsapp.net`)
  )

  /**
   * Texts a customer may really send, and texts around a column's length
   * (media types are stored in 100 characters, file names in 255).
   */
  const text = fc.oneof(fc.lorem(), hostileString())
  const nearLimit = fc
    .tuple(fc.integer({ min: 90, max: 300 }), fc.constantFrom('a', 'ñ', '😀'))
    .map(([length, char]) => char.repeat(length))

  /**
   * A message's content with the type that goes with it.
   */
  const content = fc.oneof(
    text.map((body) => ({ messageType: 'conversation', message: { conversation: body } })),
    text.map((body) => ({
      messageType: 'extendedTextMessage',
      message: { extendedTextMessage: { text: body } },
    })),
    fc
      .record({
        type: fc.constantFrom(
          'imageMessage',
          'videoMessage',
          'audioMessage',
          'documentMessage',
          'stickerMessage'
        ),
        mimetype: fc.oneof(fc.constantFrom('image/jpeg', 'audio/ogg', 'text/html'), nearLimit),
        caption: text,
        fileName: fc.oneof(fc.constant('foto.jpg'), nearLimit),
        base64: fc.oneof(fc.constant(PIXEL_JPEG), fc.base64String({ maxLength: 200 })),
      })
      .map(({ type, base64, ...media }) => ({
        messageType: type,
        message: { [type]: media, base64 },
      })),
    fc.record({ mimetype: nearLimit, fileName: nearLimit, caption: text }).map((document) => ({
      messageType: 'documentWithCaptionMessage',
      message: { documentWithCaptionMessage: { message: { documentMessage: document } } },
    })),
    fc
      .record({
        degreesLatitude: fc.double({ min: -90, max: 90, noNaN: true }),
        degreesLongitude: fc.double({ min: -180, max: 180, noNaN: true }),
        name: text,
      })
      .map((location) => ({
        messageType: 'locationMessage',
        message: { locationMessage: location },
      })),
    text.map((displayName) => ({
      messageType: 'contactMessage',
      message: { contactMessage: { displayName } },
    })),
    fc.record({ text, id: fc.uuid() }).map((reaction) => ({
      messageType: 'reactionMessage',
      message: { reactionMessage: { text: reaction.text, key: { id: reaction.id } } },
    })),
    fc
      .constantFrom('pollCreationMessage', '__proto__', 'constructor', 'toString')
      .map((messageType) => ({ messageType, message: {} }))
  )

  const storedMessage = fc
    .record({
      key: fc.record(
        {
          remoteJid: jid,
          remoteJidAlt: jid,
          fromMe: fc.boolean(),
          id: fc.uuid(),
          participant: jid,
        },
        { requiredKeys: ['remoteJid', 'fromMe', 'id'] }
      ),
      pushName: fc.oneof(
        fc.lorem({ maxCount: 2 }),
        hostileString().map((name) => name.slice(0, 200))
      ),
      status: fc.constantFrom('DELIVERY_ACK', 'PENDING', 'READ'),
      messageTimestamp: fc.integer({ min: 1_500_000_000, max: 2_000_000_000 }),
      content,
    })
    .map(({ content: { messageType, message }, ...stored }) => ({
      ...stored,
      messageType,
      message,
    }))

  const statusUpdate = fc.record({
    keyId: fc.uuid(),
    remoteJid: jid,
    fromMe: fc.boolean(),
    status: fc.constantFrom('ERROR', 'PENDING', 'SERVER_ACK', 'DELIVERY_ACK', 'READ', 'PLAYED'),
  })

  const connectionUpdate = fc.record({
    state: fc.constantFrom('open', 'connecting', 'close', 'refused'),
    wuid: jid,
    profileName: fc.lorem({ maxCount: 2 }),
    statusReason: fc.constantFrom(200, 401, 428),
  })

  const qrUpdate = fc.record({
    qrcode: fc.record({ base64: fc.base64String({ maxLength: 200 }), pairingCode: fc.string() }),
  })

  /**
   * A whole delivery (event name, instance, data) of every kind the
   * gateway sends, and kinds we ignore.
   */
  const delivery = (instance: string) =>
    fc
      .oneof(
        fc.tuple(
          fc.constantFrom('messages.upsert', 'MESSAGES_UPSERT', 'send.message'),
          storedMessage
        ),
        fc.tuple(fc.constantFrom('messages.update', 'MESSAGES_UPDATE'), statusUpdate),
        fc.tuple(fc.constantFrom('connection.update', 'CONNECTION_UPDATE'), connectionUpdate),
        fc.tuple(fc.constant('qrcode.updated'), qrUpdate),
        fc.tuple(fc.constantFrom('contacts.upsert', 'chats.update'), hostileJson(2))
      )
      .map(([event, data]) => envelope(instance, event, data))

  const REMOVE = Symbol('remove')

  /**
   * The same value with a few of its nodes (any field, at any depth)
   * removed or replaced by any other JSON value.
   */
  const broken = <T>(valid: fc.Arbitrary<T>) =>
    fc
      .tuple(
        valid,
        fc.array(
          fc.tuple(
            fc.nat(),
            fc.oneof(
              { weight: 1, arbitrary: fc.constant<typeof REMOVE>(REMOVE) },
              { weight: 3, arbitrary: hostileString() },
              { weight: 2, arbitrary: hostileJson(2) }
            )
          ),
          { maxLength: 2 }
        )
      )
      .map(([value, mutations]) => {
        const copy = structuredClone(value) as unknown
        for (const [pick, replacement] of mutations) {
          const paths = nodePaths(copy)
          if (paths.length === 0) break
          setAt(copy, paths[pick % paths.length], replacement)
        }
        return copy
      })

  function nodePaths(value: unknown, prefix: string[] = []): string[][] {
    if (!value || typeof value !== 'object') return []
    return Object.entries(value).flatMap(([key, entry]) => [
      [...prefix, key],
      ...nodePaths(entry, [...prefix, key]),
    ])
  }

  function setAt(root: unknown, path: string[], replacement: unknown) {
    const parent = path.slice(0, -1).reduce<any>((node, key) => node[key], root)
    const last = path[path.length - 1]
    if (replacement === REMOVE) {
      if (Array.isArray(parent)) parent.splice(Number(last), 1)
      else delete parent[last]
    } else {
      parent[last] = replacement
    }
  }

  test('arbitrary JSON values with the right secret: 2xx or 4xx, refusals store nothing', async ({
    client,
  }) => {
    const shop = await setup(client)
    const watch = watchProcess()
    const headers = { 'content-type': 'application/json', ...shop.headers }
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          hostileJson(),
          fc.jsonValue(),
          hostileJson(2).map((data) => envelope(shop.name, 'messages.upsert', data)),
          fc.dictionary(fc.constantFrom('event', 'instance', 'data'), hostileJson(2))
        ),
        (body) => deliverAll(shop, [{ body: JSON.stringify(body) ?? 'null', headers }])
      ),
      { numRuns: 600 }
    )
    watch.stop()
    if (watch.escaped.length > 0) throw watch.escaped[0]
    if (watch.prototypePolluted()) throw new Error('Object.prototype was polluted')
  })

  test('Evolution-shaped deliveries with random, missing and wrong-typed fields', async ({
    client,
  }) => {
    const shop = await setup(client)
    const watch = watchProcess()
    const headers = { 'content-type': 'application/json', ...shop.headers }
    await fc.assert(
      fc.asyncProperty(
        fc.array(broken(delivery(shop.name)), { minLength: 1, maxLength: 3 }),
        (deliveries) =>
          deliverAll(
            shop,
            deliveries.map((body) => ({ body: JSON.stringify(body), headers }))
          )
      ),
      { numRuns: 700 }
    )
    watch.stop()
    if (watch.escaped.length > 0) throw watch.escaped[0]
  })

  test('without the instance’s own secret nothing is stored, whatever the payload', async ({
    client,
  }) => {
    const shop = await setup(client)
    const valid = JSON.stringify(
      envelope(
        shop.name,
        'messages.upsert',
        FakeEvolution.textMessage({
          id: 'AUTH-1',
          from: '5215512345678@s.whatsapp.net',
          text: 'Hola',
        })
      )
    )
    const secret = shop.headers.authorization
    const authorization = fc.oneof(
      fc.constant(undefined),
      fc.constantFrom(
        '',
        ' ',
        'Bearer',
        'Bearer ',
        secret.toLowerCase(),
        secret.replace('Bearer ', ''),
        `${secret}x`,
        `${secret}, ${secret}`,
        secret.slice(0, -1),
        `Basic ${Buffer.from('a:b').toString('base64')}`,
        shop.otherHeaders.authorization,
        `Bearer ${'x'.repeat(8000)}`
      ),
      fc.string({ unit: 'binary-ascii', maxLength: 60 }).map((value) =>
        // Header values are printable ASCII (fetch refuses the rest).
        value.replace(/[^\x20-\x7e]/g, '').trim()
      )
    )
    await fc.assert(
      fc.asyncProperty(
        authorization,
        fc.oneof(fc.constant(valid), delivery(shop.name)),
        async (header, body) => {
          const payload = typeof body === 'string' ? body : JSON.stringify(body)
          await rolledBack(async () => {
            const before = await counts()
            const answer = await post(payload, {
              'content-type': 'application/json',
              ...(header === undefined ? {} : { authorization: header }),
            })
            if (answer.status < 400 || answer.status >= 500) {
              throw new Error(`${answer.status} with authorization ${JSON.stringify(header)}`)
            }
            if (JSON.stringify(await counts()) !== JSON.stringify(before)) {
              throw new Error(`stored with authorization ${JSON.stringify(header)}`)
            }
          })
        }
      ),
      { numRuns: 300 }
    )

    // The valid delivery is accepted with the secret: the refusals above
    // were about the secret.
    await rolledBack(async () => {
      const accepted = await post(valid, { 'content-type': 'application/json', ...shop.headers })
      if (accepted.status !== 200) throw new Error(`the valid delivery answered ${accepted.status}`)
    })
  })

  test('non-JSON bodies, wrong content types and encodings are refused and store nothing', async ({
    client,
  }) => {
    const shop = await setup(client)
    const watch = watchProcess()
    const encoding = fc.constantFrom(undefined, 'gzip', 'deflate', 'br', 'x-unknown')
    await fc.assert(
      fc.asyncProperty(
        hostileRawBody(),
        encoding,
        async ({ contentType, body }, contentEncoding) => {
          await rolledBack(async () => {
            const before = await counts()
            const answer = await send('POST', '/webhooks/whatsapp', {
              headers: {
                ...shop.headers,
                ...(contentType ? { 'content-type': contentType } : {}),
                ...(contentEncoding ? { 'content-encoding': contentEncoding } : {}),
              },
              body,
            })
            if (answer.status < 200 || answer.status >= 500) {
              throw new Error(
                `${answer.status} for ${contentType} ${contentEncoding}: ${body.slice(0, 200)}`
              )
            }
            if (answer.status >= 400 && JSON.stringify(await counts()) !== JSON.stringify(before)) {
              throw new Error(`stored from ${contentType}: ${body.slice(0, 200)}`)
            }
          })
        }
      ),
      { numRuns: 400 }
    )
    watch.stop()
    if (watch.escaped.length > 0) throw watch.escaped[0]
  })

  test('media whose declared type is an Object property name is kept as an opaque download', async ({
    client,
    assert,
  }) => {
    const shop = await setup(client)
    for (const mimetype of ['constructor', '__proto__', 'toString', 'text/html']) {
      const id = `PROTO-${mimetype}`
      const answer = await post(
        JSON.stringify(
          envelope(shop.name, 'messages.upsert', {
            key: { remoteJid: '5215512345678@s.whatsapp.net', fromMe: false, id },
            messageType: 'documentMessage',
            message: { documentMessage: { mimetype, fileName: 'x' }, base64: PIXEL_JPEG },
            messageTimestamp: Math.floor(Date.now() / 1000),
          })
        ),
        { 'content-type': 'application/json', ...shop.headers }
      )
      assert.equal(answer.status, 200)
      const message = await Message.findByOrFail('gateway_message_id', id)
      assert.match(
        message.mediaKey ?? '',
        /^businesses\/[0-9a-f-]{36}\/messages\/[0-9a-f]{32}\.bin$/
      )
      assert.equal(message.mediaMime, 'application/octet-stream')
    }
    await drive.use().deleteAll(`businesses/${shop.business.id}`)
  })

  test('huge strings, deep nesting, many events and oversized bodies', async ({
    client,
    assert,
  }) => {
    const shop = await setup(client)
    const watch = watchProcess()
    const headers = { 'content-type': 'application/json', ...shop.headers }
    const message = (id: string, body: string) =>
      FakeEvolution.textMessage({ id, from: '5215512345678@s.whatsapp.net', text: body })

    const cases: Record<string, string | Buffer> = {
      'a 1 MB text': JSON.stringify(
        envelope(shop.name, 'messages.upsert', message('HUGE-1', 'á'.repeat(500_000)))
      ),
      'a 20 MB image': JSON.stringify(
        envelope(shop.name, 'messages.upsert', {
          ...message('HUGE-2', ''),
          messageType: 'imageMessage',
          message: { imageMessage: { mimetype: 'image/jpeg' }, base64: 'A'.repeat(20_000_000) },
        })
      ),
      'a 30 MB body (over the limit)': JSON.stringify(
        envelope(shop.name, 'messages.upsert', message('HUGE-3', 'x'.repeat(30_000_000)))
      ),
      'data nested 100,000 deep': `{"event":"messages.upsert","instance":${JSON.stringify(shop.name)},"data":${deeplyNested(100_000)}}`,
      'objects nested 100,000 deep': `{"event":"messages.upsert","instance":${JSON.stringify(shop.name)},"data":${deeplyNested(100_000, 'object')}}`,
      'an array of 200,000 events': JSON.stringify(
        Array.from({ length: 200_000 }, () => envelope(shop.name, 'messages.upsert', {}))
      ),
      'an object with 200,000 keys': JSON.stringify(
        Object.fromEntries(Array.from({ length: 200_000 }, (_, index) => [`k${index}`, index]))
      ),
      'a gzip bomb': gzipSync(Buffer.alloc(60_000_000, 0x20)),
    }

    for (const [label, body] of Object.entries(cases)) {
      await rolledBack(async () => {
        const before = await counts()
        const answer = await send('POST', '/webhooks/whatsapp', {
          headers: Buffer.isBuffer(body) ? { ...headers, 'content-encoding': 'gzip' } : headers,
          body,
        })
        assert.isBelow(answer.status, 500, `${label}: ${answer.text.slice(0, 200)}`)
        assert.isAtLeast(answer.status, 200, label)
        if (answer.status >= 400) {
          assert.deepEqual(await counts(), before, `${label} was refused but stored rows`)
        }
        await inboxIsReadable(shop)
      })
    }

    const alive = await send('GET', '/health/live')
    assert.equal(alive.status, 200)
    watch.stop()
    assert.lengthOf(watch.escaped, 0)
  })
})
