import { test } from '@japa/runner'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import app from '@adonisjs/core/services/app'
import { AppLifecycle } from '#services/app_lifecycle'
import { RedisCheck, StorageCheck } from '#services/health/checks'
import { missingServers, ThrowawayRedis } from '#tests/helpers/throwaway_services'

test.group('Health endpoints', () => {
  test('liveness answers while the process runs', async ({ client }) => {
    const response = await client.get('/health/live')
    response.assertStatus(200)
    response.assertBody({ status: 'ok' })
  })

  test('readiness lists each dependency and its status, never error details', async ({
    client,
    assert,
  }) => {
    const response = await client.get('/health/ready')
    response.assertStatus(200)
    assert.deepEqual(response.body(), {
      status: 'ok',
      checks: [
        { name: 'Database', status: 'ok' },
        { name: 'Storage', status: 'ok' },
        { name: 'Job queue', status: 'ok' },
      ],
    })
  })

  test('a process that is stopping is not ready, but alive', async ({ client, assert }) => {
    const lifecycle = new AppLifecycle()
    app.container.swap(AppLifecycle, () => lifecycle)
    let terminated = false
    const stopping = lifecycle.stop({
      drainSeconds: 0.3,
      terminate: async () => {
        terminated = true
      },
    })
    try {
      const ready = await client.get('/health/ready')
      ready.assertStatus(503)
      assert.deepEqual(ready.body(), { status: 'draining', checks: [] })
      const live = await client.get('/health/live')
      live.assertStatus(200)
      assert.isFalse(terminated, 'the server keeps serving while draining')
      await stopping
      assert.isTrue(terminated)
    } finally {
      app.container.restore(AppLifecycle)
    }
  })
})

test.group('Health checks', () => {
  test('storage answers for a folder to be created, and fails when it cannot be written', async ({
    assert,
  }) => {
    const folder = mkdtempSync(join(tmpdir(), 'atiende-storage-'))
    try {
      const fresh = await new StorageCheck('fs', join(folder, 'uploads', 'nested')).run()
      assert.equal(fresh.status, 'ok')
      writeFileSync(join(folder, 'a-file'), 'not a folder')
      const blocked = await new StorageCheck('fs', join(folder, 'a-file', 'uploads')).run()
      assert.equal(blocked.status, 'error')
      assert.equal(blocked.message, 'The fs disk does not answer')
    } finally {
      rmSync(folder, { recursive: true, force: true })
    }
  })

  test('Redis answers, then fails once it stops', async ({ assert }) => {
    const redis = await ThrowawayRedis.start()
    const check = new RedisCheck(redis.url())
    try {
      const up = await check.run()
      assert.equal(up.status, 'ok')
      await redis.stop()
      const down = await check.run()
      assert.equal(down.status, 'error')
    } finally {
      check.close()
      await redis.stop()
    }
  })
    .skip(!!missingServers({ redis: true }), missingServers({ redis: true }) ?? undefined)
    .timeout(15_000)
})
