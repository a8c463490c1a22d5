import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import {
  type AppProcess,
  Deployment,
  ownerThroughApi,
  readEvents,
} from '#tests/helpers/app_processes'
import { eventually } from '#tests/helpers/agent'
import { FakeEvolution } from '#tests/helpers/fake_evolution'
import { FakeOpenAI } from '#tests/helpers/fake_openai'
import { signedInSession } from '#tests/helpers/http_session'
import {
  missingServers,
  ThrowawayPostgres,
  ThrowawayRedis,
} from '#tests/helpers/throwaway_services'

const OPENAI_KEY = 'sk-replicas-0123456789abcdefKEYS'
const EMAIL = 'dueña@replicas.test'
const PASSWORD = 'secreta-replicas'
const cannotRun = missingServers({ postgres: true, redis: true })

/**
 * Production as Docker Swarm runs it, on one machine: two web replicas and
 * separate workers (each its own process, in production mode, from this
 * source tree) against one PostgreSQL and one Redis, the model and the
 * WhatsApp gateway faked as real HTTP servers.
 */
test.group('Replicas and workers sharing PostgreSQL and Redis', (group) => {
  let postgres: ThrowawayPostgres
  let redis: ThrowawayRedis
  const openai = new FakeOpenAI()
  const gateway = new FakeEvolution()
  let deployment: Deployment
  let database: pg.Pool
  let webA: AppProcess
  let webB: AppProcess
  const workers: AppProcess[] = []
  const retired: AppProcess[] = []
  let business: { id: string; instanceName: string }
  const processes = () => [webA, webB, ...workers].filter(Boolean)

  group.setup(async () => {
    if (cannotRun) return () => {}
    ;[postgres, redis] = await Promise.all([ThrowawayPostgres.start(), ThrowawayRedis.start()])
    await Promise.all([openai.start(), gateway.start()])
    deployment = new Deployment({
      DATABASE_URL: postgres.url(),
      REDIS_URL: redis.url(),
      OPENAI_BASE_URL: openai.baseUrl,
      WHATSAPP_DRIVER: 'evolution',
      EVOLUTION_API_URL: gateway.url,
      EVOLUTION_API_KEY: gateway.globalKey,
      QUEUE_WORKERS: 'off',
      SHUTDOWN_DRAIN_SECONDS: '0',
    })
    await deployment.migrate()
    database = new pg.Pool({ connectionString: postgres.url(), max: 2 })
    ;[webA, webB] = await Promise.all([deployment.web('web-a'), deployment.web('web-b')])
    workers.push(await deployment.worker('worker-1'))
    business = await setUpBusiness(webA)

    return async () => {
      await Promise.all(processes().map((app) => app.kill()))
      await database.end()
      await Promise.all([openai.stop(), gateway.stop(), redis.stop()])
      await postgres.destroy()
      deployment.destroy()
    }
  })

  group.each.setup(() => {
    gateway.requests = []
    openai.requests = []
    openai.chat = () => ({ content: 'Hola, ¿en qué te ayudo?' })
    /**
     * A failing test shows what the processes printed.
     */
    return (hasError: boolean) => {
      if (!hasError) return
      for (const app of [...processes(), ...retired]) {
        console.log(`----- ${app.name}\n${app.output.slice(-40).join('\n')}`)
      }
    }
  })

  /**
   * The owner signs up on replica A and connects WhatsApp; the bot answers
   * at once (no reply delay).
   */
  async function setUpBusiness(web: AppProcess) {
    openai.acceptedKeys.add(OPENAI_KEY)
    const owner = await ownerThroughApi(web, gateway, {
      email: EMAIL,
      password: PASSWORD,
      businessName: 'Tienda Réplica',
      openaiKey: OPENAI_KEY,
    })
    await database.query('UPDATE businesses SET reply_delay_seconds = 0 WHERE id = $1', [
      owner.businessId,
    ])
    return { id: owner.businessId, instanceName: owner.instanceName }
  }

  let sequence = 0
  function customerWrites(web: AppProcess, phone: string, text: string, id = `M-${++sequence}`) {
    return gateway.deliver(
      business.instanceName,
      'messages.upsert',
      FakeEvolution.textMessage({ id, from: `${phone}@s.whatsapp.net`, text }),
      { appUrl: web.url }
    )
  }
  const repliesTo = (phone: string) =>
    gateway
      .sent('/message/sendText')
      .filter((request) => String(request.body.number).split('@')[0] === phone)
  const modelCallsAbout = (text: string) =>
    openai.chatRequests().filter((request) => JSON.stringify(request.messages).includes(text))

  test('an event caused on one replica reaches a browser connected to another', async ({
    assert,
  }) => {
    const session = await signedInSession(EMAIL, PASSWORD, webA.url)
    const uid = randomUUID()
    const abort = new AbortController()
    const stream = await session.fetch(`/__transmit/events?uid=${uid}`, { signal: abort.signal })
    assert.equal(stream.status, 200)
    const subscribed = await session.fetch('/__transmit/subscribe', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ uid, channel: `businesses/${business.id}` }),
    })
    assert.equal(subscribed.status, 204)

    const text = 'Hola, escribo a la réplica B'
    const heard = readEvents(
      stream,
      (event) => event.payload?.type === 'message.created' && event.payload.message?.body === text
    )
    const delivery = await customerWrites(webB, '5215510000001', text)
    assert.equal(delivery.status, 200)

    const outcome = await Promise.race([heard, sleep(10_000).then(() => 'timed out')])
    abort.abort()
    assert.equal(outcome, 'matched', 'the browser on replica A heard the message received by B')
  })
    .skip(!!cannotRun, cannotRun ?? undefined)
    .timeout(60_000)

  test('every conversation is answered exactly once, whichever replica and worker', async ({
    assert,
  }) => {
    workers.push(await deployment.worker('worker-2'))
    const phones = Array.from({ length: 8 }, (_, index) => `52155200000${10 + index}`)

    /**
     * The gateway retries a delivery on the other replica while the first
     * is still being handled.
     */
    const [first, retry] = await Promise.all([
      customerWrites(webA, phones[0], '¿Tienen envíos?', 'DUPLICATED-1'),
      customerWrites(webB, phones[0], '¿Tienen envíos?', 'DUPLICATED-1'),
    ])
    assert.deepEqual([first.status, retry.status], [200, 200])
    await Promise.all(
      phones
        .slice(1)
        .map((phone, index) =>
          customerWrites(index % 2 ? webA : webB, phone, `Hola, soy el cliente ${index + 1}`)
        )
    )

    await eventually(async () => phones.every((phone) => repliesTo(phone).length > 0), 20_000)
    await sleep(1_500)
    for (const phone of phones) {
      assert.lengthOf(repliesTo(phone), 1, `replies to ${phone}`)
    }
    const { rows } = await database.query(
      "SELECT count(*)::int AS count FROM messages WHERE gateway_message_id = 'DUPLICATED-1'"
    )
    assert.equal(rows[0].count, 1, 'the retried delivery was stored once')
  })
    .skip(!!cannotRun, cannotRun ?? undefined)
    .timeout(60_000)

  test('stopping the workers lets the turn in progress finish and send', async ({ assert }) => {
    const phone = '5215530000001'
    const text = 'Quiero unos tenis'
    openai.chat = () => ({ content: 'Claro, ¿de qué talla?', delayMs: 1_500 })

    await customerWrites(webA, phone, text)
    await eventually(async () => modelCallsAbout(text).length > 0)
    const stopping = workers.splice(0)
    retired.push(...stopping)
    const codes = await Promise.all(stopping.map((worker) => worker.stop('SIGTERM')))

    assert.deepEqual(
      codes,
      codes.map(() => 0),
      'every worker exited cleanly'
    )
    assert.lengthOf(repliesTo(phone), 1)
    assert.equal(repliesTo(phone)[0].body.text, 'Claro, ¿de qué talla?')
  })
    .skip(!!cannotRun, cannotRun ?? undefined)
    .timeout(60_000)

  test('a worker killed mid-turn: another worker sends the reply, once', async ({ assert }) => {
    const doomed = await deployment.worker('worker-3')
    workers.push(doomed)
    const phone = '5215540000001'
    const text = '¿Cuánto cuesta la bolsa?'
    let calls = 0
    openai.chat = () => {
      calls += 1
      return calls === 1
        ? { content: 'Nunca llega', delayMs: 120_000 }
        : { content: 'La bolsa cuesta $1,299.50' }
    }

    await customerWrites(webB, phone, text)
    await eventually(async () => modelCallsAbout(text).length > 0)
    await doomed.kill()
    workers.push(await deployment.worker('worker-4'))

    await eventually(async () => repliesTo(phone).length > 0, 60_000)
    await sleep(1_000)
    assert.deepEqual(
      repliesTo(phone).map((request) => request.body.text),
      ['La bolsa cuesta $1,299.50']
    )
    assert.lengthOf(modelCallsAbout(text), 2)
    const { rows } = await database.query(
      `SELECT outcome, reason FROM agent_runs
        WHERE conversation_id = (
          SELECT c.id FROM conversations c JOIN contacts k ON k.id = c.contact_id
           WHERE k.wa_jid = $1)
        ORDER BY created_at`,
      [`${phone}@s.whatsapp.net`]
    )
    assert.deepEqual(rows, [
      { outcome: 'failed', reason: 'interrupted' },
      { outcome: 'replied', reason: null },
    ])
  })
    .skip(!!cannotRun, cannotRun ?? undefined)
    .timeout(120_000)

  test('a web replica told to stop drains, ends its live streams and exits cleanly', async ({
    assert,
  }) => {
    const leaving = await deployment.web('web-c', { SHUTDOWN_DRAIN_SECONDS: '1' })
    /**
     * Signed in on replica A: the session cookie works on every replica.
     */
    const session = await signedInSession(EMAIL, PASSWORD, webA.url)
    const uid = randomUUID()
    const stream = await fetch(`${leaving.url}/__transmit/events?uid=${uid}`, {
      headers: { cookie: session.cookies() },
    })
    assert.equal(stream.status, 200)
    const subscribed = await fetch(`${leaving.url}/__transmit/subscribe`, {
      method: 'POST',
      headers: { 'cookie': session.cookies(), 'content-type': 'application/json' },
      body: JSON.stringify({ uid, channel: `businesses/${business.id}` }),
    })
    assert.equal(subscribed.status, 204, 'signed in on A, recognized on C')
    const ended = readEvents(stream, () => false)

    /**
     * A request in flight when the signal comes (the gateway takes 2 s to
     * answer a send) still gets its answer.
     */
    const login = await fetch(`${leaving.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept': 'application/json' },
      body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
    })
    const { token } = (await login.json()) as { token: string }
    gateway.stallNext(2_000)
    const inFlight = fetch(`${leaving.url}/wa/${business.id}/send`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'accept': 'application/json',
        'authorization': `Bearer ${token}`,
      },
      body: JSON.stringify({ phone: '5215560000001', message: 'Su pedido va en camino' }),
    })
    await eventually(async () => gateway.sent('/message/sendText').length > 0)

    void leaving.stop('SIGTERM')
    await sleep(200)
    const ready = await fetch(`${leaving.url}/health/ready`)
    assert.equal(ready.status, 503)
    assert.equal(((await ready.json()) as { status: string }).status, 'draining')
    const live = await fetch(`${leaving.url}/health/live`)
    assert.equal(live.status, 200)

    const answered = await inFlight
    assert.equal(answered.status, 201)
    assert.equal(((await answered.json()) as { status: string }).status, 'sent')
    assert.equal(await Promise.race([ended, sleep(10_000).then(() => 'still open')]), 'ended')
    assert.equal(await leaving.exited(), 0)
  })
    .skip(!!cannotRun, cannotRun ?? undefined)
    .timeout(60_000)

  test('a web replica starting sets every instance’s webhook again, in the background', async ({
    assert,
  }) => {
    const booting = await deployment.web('web-d')
    try {
      const line = await booting.waitForLog((log) => log.msg === 'whatsapp webhooks resubscribed')
      assert.containSubset(line, { subscribed: 1, failed: 0 })

      const [set] = gateway.sent(`/webhook/set/${business.instanceName}`)
      assert.containSubset(set.body.webhook, {
        enabled: true,
        url: `${booting.url}/webhooks/whatsapp?instance=${business.instanceName}`,
        byEvents: false,
        base64: true,
      })
      assert.includeMembers(set.body.webhook.events, ['MESSAGES_EDITED', 'CONTACTS_UPSERT'])

      /**
       * The same secret as before: deliveries are still accepted.
       */
      const delivered = await customerWrites(webA, '5215550000009', 'Hola de nuevo')
      assert.equal(delivered.status, 200)
    } finally {
      await booting.kill()
    }
  })
    .skip(!!cannotRun, cannotRun ?? undefined)
    .timeout(60_000)

  test('logs are JSON lines with request and business ids, without message text or keys', async ({
    assert,
  }) => {
    const text = 'Mi dirección es Calle Falsa 123'
    await customerWrites(webB, '5215550000001', text)

    const line = await webB.waitForLog(
      (log) => log.msg === 'request' && log.path === '/webhooks/whatsapp'
    )
    assert.match(String(line.request_id), /^[0-9a-f-]{36}$/)
    assert.equal(line.business_id, business.id)
    assert.equal(line.status, 200)

    const everything = processes().flatMap((app) => app.output)
    assert.isAbove(everything.length, 0)
    for (const output of everything) {
      assert.notInclude(output, text)
      assert.notInclude(output, OPENAI_KEY)
      assert.notInclude(output, PASSWORD)
    }
    const webLines = [...webA.output, ...webB.output].filter((output) => output.trim())
    for (const output of webLines) {
      assert.doesNotThrow(() => JSON.parse(output), `not a JSON line: ${output}`)
    }
  })
    .skip(!!cannotRun, cannotRun ?? undefined)
    .timeout(30_000)
})
