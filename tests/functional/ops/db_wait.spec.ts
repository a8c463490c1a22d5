import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import { setTimeout as sleep } from 'node:timers/promises'
import { Deployment } from '#tests/helpers/app_processes'
import { freePort, missingServers, ThrowawayPostgres } from '#tests/helpers/throwaway_services'
import { runProcess } from './run_process.js'

const cannotRun = missingServers({ postgres: true })

/**
 * `node ace db:wait`, which the image's migrate role runs before the
 * migrations: on a first deploy the database may not be up yet.
 */
test.group('Ops: waiting for the database', () => {
  function dbWait(databaseUrl: string, timeout: number, onOutput?: (output: string) => void) {
    const { env } = new Deployment({ DATABASE_URL: databaseUrl })
    return runProcess(
      process.execPath,
      ['ace.js', 'db:wait', '--timeout', String(timeout), '--interval', '1'],
      {
        cwd: app.makePath(),
        env: { ...env, PORT: '0', APP_URL: 'http://127.0.0.1' },
        timeoutMs: (timeout + 20) * 1000,
        onOutput,
      }
    )
  }

  test('a database that comes up later is waited for', async ({ assert }) => {
    const postgres = await ThrowawayPostgres.start()
    try {
      await postgres.stop()
      /**
       * Up again once the command has been refused once (its start takes
       * seconds on a busy machine).
       */
      let refused: () => void
      const firstRefusal = new Promise<void>((resolve) => (refused = resolve))
      const waiting = dbWait(postgres.url(), 60, (output) => {
        if (output.includes('(attempt 1)')) refused()
      })
      await firstRefusal
      await sleep(500)
      await postgres.resume()

      const run = await waiting
      assert.equal(run.code, 0, run.stdout + run.stderr)
      assert.match(run.stdout + run.stderr, /waiting for the database \(attempt 1\):.*ECONNREFUSED/)
      assert.include(run.stdout + run.stderr, 'the database answers')
    } finally {
      await postgres.destroy()
    }
  })
    .skip(!!cannotRun, cannotRun ?? undefined)
    .timeout(90_000)

  test('one that never answers fails the wait, saying so', async ({ assert }) => {
    const run = await dbWait(`postgres://postgres@127.0.0.1:${await freePort()}/atiende`, 2)
    assert.equal(run.code, 1)
    assert.include(run.stdout + run.stderr, 'the database did not answer within 2 s')
  }).timeout(30_000)
})
