import { test } from '@japa/runner'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { type AppProcess, callApi, Deployment, ownerThroughApi } from '#tests/helpers/app_processes'
import { FakeEvolution } from '#tests/helpers/fake_evolution'
import { FakeOpenAI } from '#tests/helpers/fake_openai'
import { missingServers, ThrowawayPostgres } from '#tests/helpers/throwaway_services'

const cannotRun = missingServers({ postgres: true })

/**
 * PostgreSQL restarts while the gateway delivers messages: the app, in
 * production mode, keeps running and serves again as soon as the database
 * is back. A delivery it acknowledged is stored; one it refused while the
 * database was down is delivered again by the gateway, as the real one
 * retries until it gets a 2xx — and stored once.
 */
test.group('PostgreSQL restarted under load', (group) => {
  let postgres: ThrowawayPostgres
  const gateway = new FakeEvolution()
  const openai = new FakeOpenAI()
  let deployment: Deployment
  let web: AppProcess

  group.setup(async () => {
    if (cannotRun) return () => {}
    postgres = await ThrowawayPostgres.start()
    await Promise.all([gateway.start(), openai.start()])
    deployment = new Deployment({
      DATABASE_URL: postgres.url(),
      OPENAI_BASE_URL: openai.baseUrl,
      WHATSAPP_DRIVER: 'evolution',
      EVOLUTION_API_URL: gateway.url,
      EVOLUTION_API_KEY: gateway.globalKey,
      SHUTDOWN_DRAIN_SECONDS: '0',
      DB_POOL_MAX: '5',
    })
    await deployment.migrate()
    web = await deployment.web('web')
    return async () => {
      await web.kill()
      await Promise.all([gateway.stop(), openai.stop()])
      await postgres.destroy()
      deployment.destroy()
    }
  })

  test('no acknowledged delivery is lost, none is stored twice, and the app recovers by itself', async ({
    assert,
  }) => {
    const owner = await ownerThroughApi(web, gateway, {
      email: 'reinicio@atiende.test',
      password: 'secreta-reinicio',
      businessName: 'Tienda Reinicio',
    })
    await callApi(
      web,
      'PUT',
      `/business/${owner.businessId}/bot-toggle`,
      { botEnabled: false },
      owner.token
    )
    const { instanceName } = owner
    const pid = web.logs.find((line) => typeof line.pid === 'number')?.pid

    const outcomes = new Map<string, { refused: number; acknowledged: boolean }>()
    /**
     * The gateway: each delivery is retried (every 200 ms) until the app
     * answers 2xx.
     */
    const deliver = async (id: string) => {
      const outcome = { refused: 0, acknowledged: false }
      outcomes.set(id, outcome)
      const deadline = Date.now() + 60_000
      while (Date.now() < deadline) {
        const answer = await gateway
          .deliver(
            instanceName,
            'messages.upsert',
            FakeEvolution.textMessage({
              id,
              from: `52155${id.slice(-8)}@s.whatsapp.net`,
              text: `Pedido ${id}`,
            }),
            { appUrl: web.url }
          )
          .catch(() => ({ status: 0 }))
        if (answer.status >= 200 && answer.status < 300) {
          outcome.acknowledged = true
          return
        }
        outcome.refused += 1
        await sleep(200)
      }
    }

    const ids = Array.from({ length: 360 }, (_, index) => `PGR-${String(index).padStart(8, '0')}`)
    let next = 0
    const senders = Array.from({ length: 8 }, async () => {
      while (next < ids.length) await deliver(ids[next++])
    })
    /**
     * Killed (a crash) a third of the way in, stopped cleanly (a restart,
     * which closes every connection) two thirds in.
     */
    const restart = (async () => {
      while (next < ids.length / 3) await sleep(20)
      await postgres.kill()
      await sleep(1_500)
      await postgres.resume()
      while (next < (ids.length * 2) / 3) await sleep(20)
      await postgres.stop()
      await sleep(1_500)
      await postgres.resume()
    })()
    await Promise.all([...senders, restart])

    assert.isTrue(
      [...outcomes.values()].every((outcome) => outcome.acknowledged),
      'every delivery was acknowledged in the end'
    )
    const refused = [...outcomes.values()].reduce((sum, outcome) => sum + outcome.refused, 0)
    assert.isAbove(refused, 0, 'the restart happened while deliveries were coming in')

    const client = new pg.Client({ connectionString: postgres.url() })
    await client.connect()
    try {
      const { rows } = await client.query(
        `SELECT gateway_message_id AS id, count(*)::int AS copies FROM messages
          WHERE gateway_message_id LIKE 'PGR-%' GROUP BY gateway_message_id`
      )
      assert.lengthOf(rows, ids.length, 'every delivery is stored')
      assert.isTrue(
        rows.every((row) => row.copies === 1),
        'none is stored twice'
      )
    } finally {
      await client.end()
    }

    assert.isTrue(web.running, 'the app was never restarted')
    assert.equal(web.logs.find((line) => typeof line.pid === 'number')?.pid, pid)
    const ready = await fetch(`${web.url}/health/ready`)
    assert.equal(ready.status, 200)
  })
    .skip(!!cannotRun, cannotRun ?? undefined)
    .timeout(120_000)
})
