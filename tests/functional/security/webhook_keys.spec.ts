import { test } from '@japa/runner'
import { spawn } from 'node:child_process'
import { Encryption } from '@adonisjs/core/encryption'
import { AES256GCM } from '@adonisjs/core/encryption/drivers/aes_256_gcm'
import app from '@adonisjs/core/services/app'
import encryption from '@adonisjs/core/services/encryption'
import db from '@adonisjs/lucid/services/db'
import Message from '#models/message'
import WhatsappInstance from '#models/whatsapp_instance'
import { FakeEvolution } from '#tests/helpers/fake_evolution'
import { connectedBusiness, fakeEvolutionFor } from '#tests/helpers/whatsapp'
import { forgetFailedDeliveries, webhookInstances } from '#services/whatsapp/webhook_instances'

const OLD_KEY = 'an-old-app-key-that-was-replaced-0123456789'

/**
 * Secrets encrypted with a key the app no longer has: what an APP_KEY
 * change without APP_OLD_KEYS leaves in the database.
 */
function encryptedWithOldKey(value: string) {
  const old = new Encryption({
    driver: (key) => new AES256GCM({ id: 'app', key }),
    keys: [OLD_KEY],
  })
  return old.encrypt(value)
}

function rotateKeys() {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, ['ace.js', 'keys:rotate'], {
      cwd: app.makePath(),
      env: { ...process.env, APP_OLD_KEYS: OLD_KEY },
    })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    child.on('close', (code) => resolve({ code, output }))
  })
}

/**
 * Webhooks fail closed, and keys rotate without breaking what is stored.
 */
test.group('Webhook secrets and key rotation', (group) => {
  const fake = fakeEvolutionFor(group)
  let sequence = 0
  const hello = () =>
    FakeEvolution.textMessage({
      id: `KEYS-${++sequence}`,
      from: '5215512345678@s.whatsapp.net',
      text: 'hola',
    })

  test('an unknown instance and a wrong secret get the same answer', async ({ client, assert }) => {
    const { instance } = await connectedBusiness(client, fake)
    const wrong = await fake.deliver(instance.instanceName, 'messages.upsert', hello(), {
      headers: { authorization: 'Bearer not-the-secret' },
    })
    const unknown = await fake.deliver('atiende-nobody', 'messages.upsert', hello(), {
      headers: { authorization: 'Bearer not-the-secret' },
    })
    const missing = await fake.deliver('atiende-nobody', 'messages.upsert', hello(), {
      headers: {},
    })
    assert.deepEqual([wrong.status, unknown.status, missing.status], [401, 401, 401])
    assert.deepEqual(wrong.body, unknown.body)
    assert.deepEqual(missing.body, unknown.body)
  })

  test('after APP_KEY changes the webhook refuses everything; keys:rotate with the old key restores it', async ({
    client,
    assert,
  }) => {
    const { business, instance } = await connectedBusiness(client, fake)
    const headers = fake.instances.get(instance.instanceName)!.webhook.headers
    const secret = String(headers.authorization).replace('Bearer ', '')
    const stored = await WhatsappInstance.findOrFail(instance.id)
    await db
      .from('whatsapp_instances')
      .where('id', instance.id)
      .update({
        webhook_secret: encryptedWithOldKey(secret),
        token: encryptedWithOldKey(stored.revealToken()),
      })
    await db
      .from('businesses')
      .where('id', business.id)
      .update({ openai_api_key: encryptedWithOldKey('sk-test-rotated-key-1234') })

    for (const authorization of [
      'Bearer null',
      'Bearer undefined',
      'Bearer ',
      'Bearer',
      headers.authorization,
    ]) {
      const answer = await fake.deliver(instance.instanceName, 'messages.upsert', hello(), {
        headers: { authorization: String(authorization) },
      })
      assert.equal(answer.status, 401, `authorization ${authorization}`)
    }
    assert.lengthOf(await Message.query().where('business_id', business.id), 0)

    const rotation = await rotateKeys()
    assert.equal(rotation.code, 0, rotation.output)
    assert.match(rotation.output, /\d+ secret\(s\) re-encrypted with APP_KEY, 0 unreadable/)

    const accepted = await fake.deliver(instance.instanceName, 'messages.upsert', hello(), {
      headers,
    })
    assert.equal(accepted.status, 200)
    const row = await db.from('businesses').where('id', business.id).firstOrFail()
    assert.equal(encryption.decrypt(row.openai_api_key), 'sk-test-rotated-key-1234')
  })

  test('a delivery to an instance address is refused before its body is read', async ({
    client,
    assert,
  }) => {
    const { business, instance } = await connectedBusiness(client, fake)
    const url = new URL(fake.instances.get(instance.instanceName)!.webhook.url)
    assert.equal(url.searchParams.get('instance'), instance.instanceName)
    const at = `http://${process.env.HOST}:${process.env.PORT}${url.pathname}${url.search}`

    /**
     * Not JSON at all: a parser would answer 400; the secret is checked
     * first.
     */
    const stranger = await fetch(at, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'authorization': 'Bearer guess' },
      body: '{"event": "messages.upsert", "data": ' + '['.repeat(50_000),
    })
    assert.equal(stranger.status, 401)

    // The right secret for the address, a body for another instance.
    const { instance: other } = await connectedBusiness(client, fake)
    const crossed = await fetch(at, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...fake.instances.get(instance.instanceName)!.webhook.headers,
      },
      body: JSON.stringify({
        event: 'messages.upsert',
        instance: other.instanceName,
        data: hello(),
      }),
    })
    assert.equal(crossed.status, 401)
    assert.lengthOf(await Message.query().where('business_id', business.id), 0)

    const accepted = await fake.deliver(instance.instanceName, 'messages.upsert', hello())
    assert.equal(accepted.status, 200)
  })

  test('failed authentications are limited per instance and per public address, never locking out the live instance', async ({
    client,
    assert,
    cleanup,
  }) => {
    const STRANGER = '8.8.4.4'
    const forget = async (instanceName?: string) => {
      for (const address of [STRANGER, '127.0.0.1', '::1', '::ffff:127.0.0.1']) {
        await forgetFailedDeliveries({ address, instanceName })
      }
    }
    await forget()
    cleanup(() => forget())
    const { business, instance } = await connectedBusiness(client, fake)
    const headers = fake.instances.get(instance.instanceName)!.webhook.headers
    const status = async (authorization?: Record<string, string>) => {
      const answer = await fake.deliver(
        instance.instanceName,
        'messages.upsert',
        hello(),
        authorization ? { headers: authorization } : undefined
      )
      return answer.status
    }
    assert.equal(await status(), 200)

    // Guessing one instance's secret (from the gateway's own network).
    const secrets = []
    for (let index = 0; index < 21; index++) {
      const answer = await fake.deliver(instance.instanceName, 'messages.upsert', hello(), {
        headers: { authorization: `Bearer guess-${index}` },
      })
      secrets.push(answer.status)
    }
    assert.deepEqual(secrets, [...Array(20).fill(401), 429])
    assert.equal(await status(headers), 200, 'the gateway still gets through')
    // Even in a process that has not seen the instance yet (a restart).
    webhookInstances.forget(instance.instanceName)
    assert.equal(await status(headers), 200)
    assert.lengthOf(await Message.query().where('business_id', business.id), 3)

    // Guessing instance names from a public address: blocked without a query.
    const guesses = []
    for (let index = 0; index < 21; index++) {
      guesses.push(
        await webhookInstances.authenticateDelivery(`atiende-guess-${index}`, 'Bearer x', STRANGER)
      )
    }
    assert.deepEqual(guesses, [...Array(20).fill('refused'), 'throttled'])
    const live = await webhookInstances.authenticateDelivery(
      instance.instanceName,
      String(headers.authorization),
      STRANGER
    )
    assert.containSubset(live, { instanceName: instance.instanceName })
    assert.equal(
      await webhookInstances.authenticateDelivery(instance.instanceName, 'Bearer x', STRANGER),
      'throttled'
    )
    // The gateway's network is never blocked.
    const fromGateway = []
    for (let index = 0; index < 25; index++) {
      fromGateway.push(
        await webhookInstances.authenticateDelivery(`atiende-miss-${index}`, 'Bearer x', '10.0.3.4')
      )
    }
    assert.notInclude(fromGateway, 'throttled')
    await forget(instance.instanceName)
  })
})
