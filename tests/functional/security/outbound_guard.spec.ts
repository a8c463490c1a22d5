import { test } from '@japa/runner'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import app from '@adonisjs/core/services/app'
import testUtils from '@adonisjs/core/services/test_utils'
import { HumanMessage } from '@langchain/core/messages'
import env from '#start/env'
import Message from '#models/message'
import MediaStorage from '#services/media_storage'
import { AgentModel } from '#services/agent/agent_model'
import { Transcriber } from '#services/agent/transcriber'
import { ModelUnavailableError } from '#services/agent/agent_errors'
import { createOwnerWithBusiness, tokenFor } from '#tests/helpers/factories'
import { connectedBusiness, fakeEvolutionFor } from '#tests/helpers/whatsapp'
import { FakeOpenAI } from '#tests/helpers/fake_openai'
import { images, imageShape } from '#tests/helpers/catalog'
import { allowOutboundTo } from '#tests/helpers/outbound'

const KEY = 'sk-test-valid-0123456789abcdefWXYZ'

/**
 * A server on 127.0.0.1 that must hear nothing from a tenant's URL, and
 * one playing a public site (allowed, as a public host would be) that
 * redirects there or serves a photo.
 */
async function listen(handler: (path: string) => { status: number; body?: Buffer; to?: string }) {
  const requests: string[] = []
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '/')
    const answer = handler(req.url ?? '/')
    res.writeHead(answer.status, answer.to ? { location: answer.to } : {})
    res.end(answer.body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    host,
    requests,
    stop: () => {
      server.closeAllConnections()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/**
 * Every way to name the machine itself or its networks, and a public host
 * that redirects to it.
 */
function hostileUrls(target: string, publicHost: string) {
  const port = target.split(':')[1]
  return [
    `http://127.0.0.1:${port}/v1`,
    `http://localhost:${port}/v1`,
    `http://localhost.:${port}/v1`,
    `http://[::1]:${port}/v1`,
    `http://[::ffff:127.0.0.1]:${port}/v1`,
    `http://2130706433:${port}/v1`,
    `http://0x7f000001:${port}/v1`,
    `http://0177.0.0.1:${port}/v1`,
    'http://169.254.169.254/latest/meta-data',
    'http://10.0.0.1/v1',
    'http://[fd00::1]/v1',
    'http://[2002:7f00:1::]/v1',
    `http://${publicHost}/to-target`,
  ]
}

test.group('Outbound guard: URLs a tenant gives', (group) => {
  const fake = fakeEvolutionFor(group)
  let target: Awaited<ReturnType<typeof listen>>
  let publicSite: Awaited<ReturnType<typeof listen>>
  const openai = new FakeOpenAI()
  let previousAllowed: string | undefined

  group.setup(async () => {
    await openai.start()
    target = await listen(() => ({ status: 200, body: images.png }))
    publicSite = await listen((path) =>
      path === '/foto.png'
        ? { status: 200, body: images.png }
        : path === '/pagina.png'
          ? { status: 200, body: images.htmlInPng }
          : { status: 302, to: `http://${target.host}/secret` }
    )
    previousAllowed = env.get('AI_PROVIDER_ALLOWED_HOSTS')
    env.set('AI_PROVIDER_ALLOWED_HOSTS', `${publicSite.host}, ${new URL(openai.baseUrl).host}`)
    const restore = allowOutboundTo(publicSite.host)
    return async () => {
      restore()
      env.set('AI_PROVIDER_ALLOWED_HOSTS', previousAllowed ?? '')
      await Promise.all([target.stop(), publicSite.stop(), openai.stop()])
    }
  })
  group.each.setup(() => {
    target.requests.length = 0
    openai.reset()
    return testUtils.db().withGlobalTransaction()
  })

  test('a provider URL through the API: refused, the stored one kept', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)

    for (const url of hostileUrls(target.host, publicSite.host)) {
      const response = await client
        .put(`/business/${business.id}/openai`)
        .bearerToken(token)
        .json({ openaiApiKey: KEY, openaiBaseUrl: url })
      assert.equal(response.status(), 422, url)
      assert.equal(response.body().errors[0].field, 'openaiBaseUrl', url)
    }
    await business.refresh()
    assert.isNull(business.openaiBaseUrl)
    assert.deepEqual(target.requests, [])
  })

  test('a provider URL through the settings page: a field error', async ({ client, assert }) => {
    const { user, business } = await createOwnerWithBusiness()

    for (const url of hostileUrls(target.host, publicSite.host)) {
      const response = await client
        .put('/settings/ai')
        .loginAs(user)
        .withCsrfToken()
        .header('x-inertia', 'true')
        .json({ openaiApiKey: KEY, openaiModel: 'gpt-4.1-mini', openaiBaseUrl: url })
        .redirects(0)
      assert.oneOf(response.status(), [302, 303], url)
      assert.property(response.flashMessages().inputErrorsBag, 'openaiBaseUrl', url)
    }
    await business.refresh()
    assert.isNull(business.openaiBaseUrl)
    assert.deepEqual(target.requests, [])
  })

  test('the key check tells only "works" or not: a refused key and a host we may not reach read the same', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    const token = await tokenFor(user)
    const answer = async (url: string) => {
      const response = await client
        .put(`/business/${business.id}/openai`)
        .bearerToken(token)
        .json({ openaiApiKey: KEY, openaiBaseUrl: url })
      return response.body().message
    }

    const notWorking =
      'URL del proveedor: no pudimos usar tu clave con el proveedor de esa URL. Revisa la URL y la clave, o inténtalo más tarde.'
    assert.equal(await answer(`http://localhost:${target.host.split(':')[1]}/v1`), notWorking)
    assert.equal(await answer(`http://${publicSite.host}/v1`), notWorking)
    assert.match(await answer('http://10.0.0.1/v1'), /direcciones locales o privadas/)
    assert.deepEqual(target.requests, [])
  })

  test('chat and transcription at a stored tenant URL never reach a private host', async ({
    assert,
  }) => {
    const { business } = await createOwnerWithBusiness()
    business.setOpenaiApiKey(KEY)
    business.openaiBaseUrl = `http://localhost:${target.host.split(':')[1]}/v1`

    await assert.rejects(
      () =>
        new AgentModel({ retryDelaysMs: [] }).complete(business, [new HumanMessage('hola')], null),
      ModelUnavailableError
    )
    await assert.rejects(
      () =>
        new Transcriber({ retryDelaysMs: [] }).transcribe(business, {
          bytes: Buffer.from('OggS'),
          mimetype: 'audio/ogg',
          fileName: 'nota.ogg',
        }),
      ModelUnavailableError
    )
    assert.deepEqual(target.requests, [])
  })

  test('an allowed tenant URL is reached through the guard: chat, transcription, key check', async ({
    client,
    assert,
  }) => {
    const { user, business } = await createOwnerWithBusiness()
    openai.acceptedKeys.add(KEY)
    const saved = await client
      .put(`/business/${business.id}/openai`)
      .bearerToken(await tokenFor(user))
      .json({ openaiApiKey: KEY, openaiBaseUrl: openai.baseUrl })
    saved.assertStatus(200)
    await business.refresh()

    openai.script({ content: '¡Hola!' })
    const { message } = await new AgentModel({ retryDelaysMs: [] }).complete(
      business,
      [new HumanMessage('hola')],
      null
    )
    assert.equal(message.content, '¡Hola!')

    const transcript = await new Transcriber({ retryDelaysMs: [] }).transcribe(business, {
      bytes: Buffer.from('OggS-voice'),
      mimetype: 'audio/ogg',
      fileName: 'nota.ogg',
    })
    assert.equal(transcript.text, 'Hola, ¿tienen envíos?')
    assert.deepEqual(openai.transcriptions[0].fileBytes, Buffer.from('OggS-voice'))
  })

  test('mediaUrl: refused with a clean 422, nothing logged or sent', async ({ client, assert }) => {
    const { business, token } = await connectedBusiness(client, fake)

    for (const url of [...hostileUrls(target.host, publicSite.host), 'http://x/%E0%A4%A']) {
      const response = await client
        .post(`/wa/${business.id}/send`)
        .bearerToken(token)
        .json({ phone: '5215512345678', message: 'Mira', mediaUrl: url })
      assert.equal(response.status(), 422, url)
      assert.equal(response.body().errors[0].field, 'mediaUrl', url)
    }
    assert.lengthOf(fake.sent('/message/sendMedia'), 0)
    assert.lengthOf(await Message.query().where('business_id', business.id), 0)
    assert.deepEqual(target.requests, [])
  })

  test('mediaUrl: a public photo is downloaded and stored; the gateway gets our copy', async ({
    client,
    assert,
  }) => {
    const { business, token } = await connectedBusiness(client, fake)

    const response = await client
      .post(`/wa/${business.id}/send`)
      .bearerToken(token)
      .json({
        phone: '5215512345678',
        message: 'Mira',
        mediaUrl: `http://${publicSite.host}/foto.png`,
      })
    response.assertStatus(201)

    const message = await Message.findOrFail(response.body().id)
    assert.equal(message.type, 'image')
    assert.equal(message.mediaMime, 'image/png')
    const storage = await app.container.make(MediaStorage)
    assert.deepEqual(await imageShape(await storage.read(message.mediaKey!)), {
      format: 'png',
      width: 1,
      height: 1,
    })

    const [sent] = fake.sent('/message/sendMedia')
    assert.equal(sent.body.mediatype, 'image')
    assert.notInclude(sent.body.media, publicSite.host)
    assert.include(sent.body.media, `businesses/${business.id}/messages/`)
  })

  test('mediaUrl: an HTML page framed as a PNG is refused, nothing sent', async ({
    client,
    assert,
  }) => {
    const { business, token } = await connectedBusiness(client, fake)
    const response = await client
      .post(`/wa/${business.id}/send`)
      .bearerToken(token)
      .header('accept-language', 'es')
      .json({
        phone: '5215512345678',
        message: 'Mira',
        mediaUrl: `http://${publicSite.host}/pagina.png`,
      })
    response.assertStatus(422)
    assert.equal(response.body().errors[0].field, 'mediaUrl')
    assert.match(response.body().errors[0].message, /imagen/i)
    assert.lengthOf(fake.sent('/message/sendMedia'), 0)
    assert.lengthOf(await Message.query().where('business_id', business.id), 0)
  })

  test('a CSV image URL: a row error, nothing fetched from the machine', async ({
    client,
    assert,
  }) => {
    const { user } = await createOwnerWithBusiness()

    for (const url of hostileUrls(target.host, publicSite.host)) {
      const response = await client
        .post('/catalog/import')
        .loginAs(user)
        .withCsrfToken()
        .header('accept', 'application/json')
        .file('file', Buffer.from(`title,price,image_url\nZapato,100,${url}\n`), {
          filename: 'productos.csv',
          contentType: 'text/csv',
        })
      assert.equal(response.status(), 422, url)
      assert.equal(response.body().preview.errors[0].field, 'image_url', url)
    }
    assert.deepEqual(target.requests, [])
  })
})
