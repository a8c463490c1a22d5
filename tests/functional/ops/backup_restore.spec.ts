import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ThrowawayPostgres, freePort, missingServers } from '#tests/helpers/throwaway_services'
import { runProcess } from './run_process.js'

/**
 * docker/backup/backup.sh and restore.sh, run as the backups container
 * runs them, against a PostgreSQL server of the test's own.
 */
const missing = missingServers({ postgres: true })
const backupScript = app.makePath('docker/backup/backup.sh')
const restoreScript = app.makePath('docker/backup/restore.sh')

const TABLES = [
  'users',
  'businesses',
  'business_members',
  'products',
  'contacts',
  'conversations',
  'messages',
  'adonis_schema',
]

test.group('Ops: database backup and restore', (group) => {
  let pg: ThrowawayPostgres
  let workDir: string

  group.setup(async () => {
    if (missing) return
    pg = await ThrowawayPostgres.start()
    workDir = await mkdtemp(join(tmpdir(), 'atiende-backups-'))
  })
  group.teardown(async () => {
    await pg?.destroy()
    if (workDir) await rm(workDir, { recursive: true, force: true })
  })

  /**
   * The libpq settings the backups service passes, pointed at the test's
   * server; nothing else from the test's environment.
   */
  function scriptEnv(extra: Record<string, string>) {
    return {
      PATH: process.env.PATH,
      TZ: 'UTC',
      PGHOST: '127.0.0.1',
      PGPORT: String(pg.port),
      PGUSER: 'postgres',
      PG_BIN_DIR: pg.binDir,
      ...extra,
    }
  }

  function backup(extra: Record<string, string>) {
    return runProcess('sh', [backupScript], { env: scriptEnv(extra) })
  }

  async function dumpsIn(folder: string) {
    try {
      const files = await readdir(folder)
      return files.sort()
    } catch {
      return []
    }
  }

  /**
   * Every row of the tables that matter, as PostgreSQL prints them.
   */
  async function snapshot(database: string) {
    const snapshots: Record<string, string> = {}
    for (const table of TABLES) {
      snapshots[table] = await pg.query(
        `SELECT coalesce(json_agg(t ORDER BY t::text), '[]') FROM ${table} t`,
        database
      )
    }
    return snapshots
  }

  test('a dump restores the app’s data exactly, into a new database and in place', async ({
    assert,
  }) => {
    const migrated = await runProcess(
      process.execPath,
      ['ace', 'migration:run', '--force', '--no-schema-generate'],
      {
        cwd: app.makePath(),
        env: {
          ...process.env,
          NODE_ENV: 'test',
          PORT: String(await freePort()),
          DATABASE_URL: pg.url('atiende'),
        },
        timeoutMs: 60_000,
      }
    )
    assert.equal(migrated.code, 0, migrated.stdout + migrated.stderr)

    await pg.query(
      `
      INSERT INTO users (id, full_name, email, password, created_at, updated_at) VALUES
        ('00000000-0000-4000-8000-000000000001', 'Begoña Núñez', 'bego@example.com', 'scrypt$hash',
         '2026-01-05 10:00:00+00', '2026-01-05 10:00:00+00');
      INSERT INTO businesses (id, name, description, created_at, updated_at) VALUES
        ('00000000-0000-4000-8000-000000000002', 'Panadería Doña Inés', 'Pan dulce y café ☕',
         '2026-01-05 10:01:00+00', '2026-01-05 10:01:00+00');
      INSERT INTO business_members (business_id, user_id, role, created_at, updated_at) VALUES
        ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001', 'owner',
         '2026-01-05 10:01:00+00', '2026-01-05 10:01:00+00');
      INSERT INTO products (business_id, title, description, price, sku, stock, created_at, updated_at) VALUES
        ('00000000-0000-4000-8000-000000000002', 'Concha de vainilla', 'Recién horneada', 18.50, 'CON-1', 40,
         '2026-01-06 08:00:00+00', '2026-01-06 08:00:00+00');
      INSERT INTO contacts (id, business_id, wa_jid, phone, push_name, first_seen_at, created_at, updated_at) VALUES
        ('00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000002',
         '5215512345678@s.whatsapp.net', '5215512345678', 'Giovanna 🌸',
         '2026-01-07 09:00:00+00', '2026-01-07 09:00:00+00', '2026-01-07 09:00:00+00');
      INSERT INTO conversations (id, business_id, contact_id, last_message_at, created_at, updated_at) VALUES
        ('00000000-0000-4000-8000-000000000004', '00000000-0000-4000-8000-000000000002',
         '00000000-0000-4000-8000-000000000003', '2026-01-07 09:01:00+00',
         '2026-01-07 09:00:00+00', '2026-01-07 09:01:00+00');
      INSERT INTO messages (business_id, conversation_id, direction, author, body, meta, status, sent_at, created_at, updated_at) VALUES
        ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000004', 'inbound', 'customer',
         '¿Tienen envío a Monterrey? 🚚', '{"pushName": "Giovanna 🌸"}', 'received',
         '2026-01-07 09:00:00+00', '2026-01-07 09:00:00+00', '2026-01-07 09:00:00+00'),
        ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000004', 'outbound', 'bot',
         'Sí, llegamos en 48 h. ¡Gracias! 😊', null, 'sent',
         '2026-01-07 09:00:30+00', '2026-01-07 09:00:30+00', '2026-01-07 09:00:30+00'),
        ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000004', 'outbound', 'human',
         E'Línea uno\nlínea dos — ñ, ü, 中文', null, 'sent',
         '2026-01-07 09:01:00+00', '2026-01-07 09:01:00+00', '2026-01-07 09:01:00+00');
      `,
      'atiende'
    )
    const before = await snapshot('atiende')
    assert.include(before.messages, '¿Tienen envío a Monterrey? 🚚')

    const dir = join(workDir, 'restore')
    const made = await backup({
      PGDATABASE: 'atiende',
      BACKUP_DIR: dir,
      BACKUP_NOW: '2026-03-01 03:00:00',
    })
    assert.equal(made.code, 0, made.stderr)
    const file = 'atiende-20260301-030000.dump'
    assert.deepEqual(await dumpsIn(join(dir, 'daily')), [file])
    assert.deepEqual(await dumpsIn(join(dir, 'weekly')), [file])
    assert.deepEqual(await dumpsIn(join(dir, 'monthly')), [file])

    await pg.query(
      `UPDATE messages SET body = 'borrado';
       DELETE FROM products;
       ALTER TABLE contacts DROP COLUMN notes;`,
      'atiende'
    )

    const dump = join(dir, 'daily', file)
    const refused = await runProcess('sh', [restoreScript, '--db', 'atiende_restored', dump], {
      env: scriptEnv({}),
    })
    assert.equal(refused.code, 2)
    assert.include(refused.stderr, '--yes')
    assert.equal(
      await pg.query(`SELECT count(*) FROM pg_database WHERE datname = 'atiende_restored'`),
      '0'
    )

    const restored = await runProcess(
      'sh',
      [restoreScript, '--yes', '--db', 'atiende_restored', dump],
      { env: scriptEnv({}) }
    )
    assert.equal(restored.code, 0, restored.stderr)
    assert.match(restored.stdout, /^messages\s+3$/m)
    assert.match(restored.stdout, /^users\s+1$/m)
    assert.deepEqual(await snapshot('atiende_restored'), before)

    const inPlace = await runProcess('sh', [restoreScript, '--yes', dump], {
      env: scriptEnv({ PGDATABASE: 'atiende' }),
    })
    assert.equal(inPlace.code, 0, inPlace.stderr)
    assert.deepEqual(await snapshot('atiende'), before)
  })
    .timeout(60_000)
    .skip(!!missing, missing ?? undefined)

  test('daily, weekly and monthly dumps are kept over ten weeks, a failed day included', async ({
    assert,
  }) => {
    await pg.query('CREATE DATABASE tiny')
    await pg.query(`CREATE TABLE notes (body text); INSERT INTO notes VALUES ('hola')`, 'tiny')
    const dir = join(workDir, 'retention')

    /**
     * One run a day at 03:00 from Thursday 2026-01-01 to Wednesday
     * 2026-03-11 (70 days), keeping the default 7 daily and 4 weekly
     * dumps (weeks start on Sunday) and 2 monthly ones. On Sunday
     * 2026-03-01, the first of a month, the run fails.
     */
    const failedDay = '2026-03-01'
    for (let day = 0; day < 70; day++) {
      const date = new Date(Date.UTC(2026, 0, 1 + day)).toISOString().slice(0, 10)
      const run = await backup({
        PGDATABASE: date === failedDay ? 'no_such_database' : 'tiny',
        BACKUP_NAME: 'tiny',
        BACKUP_KEEP_MONTHLY: '2',
        BACKUP_DIR: dir,
        BACKUP_NOW: `${date} 03:00:00`,
      })
      if (date === failedDay) {
        assert.notEqual(run.code, 0)
        assert.include(run.stderr, 'FAILED')
      } else {
        assert.equal(run.code, 0, `${date}: ${run.stderr}`)
      }
    }

    const name = (date: string) => `tiny-${date.replaceAll('-', '')}-030000.dump`
    assert.deepEqual(
      await dumpsIn(join(dir, 'daily')),
      [
        '2026-03-05',
        '2026-03-06',
        '2026-03-07',
        '2026-03-08',
        '2026-03-09',
        '2026-03-10',
        '2026-03-11',
      ].map(name)
    )
    /**
     * The first run of each week and of each month: the failed Sunday's
     * week and month got Monday's.
     */
    assert.deepEqual(
      await dumpsIn(join(dir, 'weekly')),
      ['2026-02-15', '2026-02-22', '2026-03-02', '2026-03-08'].map(name)
    )
    assert.deepEqual(await dumpsIn(join(dir, 'monthly')), ['2026-02-01', '2026-03-02'].map(name))

    /**
     * Copies are hard links of the daily dump, not second files.
     */
    const daily = await stat(join(dir, 'daily', name('2026-03-08')))
    const weekly = await stat(join(dir, 'weekly', name('2026-03-08')))
    assert.equal(weekly.ino, daily.ino)
  })
    /**
     * 70 real dumps: about 10 s on an idle machine, several times that on
     * a busy one.
     */
    .timeout(120_000)
    .skip(!!missing, missing ?? undefined)

  test('a failed copy to the bucket fails the run and keeps the dump', async ({ assert }) => {
    await pg.query('CREATE DATABASE copied')
    const dir = join(workDir, 'copied')
    const bin = join(workDir, 'bin')
    const calls = join(workDir, 'mc-calls')
    await mkdir(bin)
    /**
     * A stand-in for the MinIO client: records its arguments, and fails
     * the mirror when asked to.
     */
    await writeFile(
      join(bin, 'mc'),
      `#!/bin/sh\necho "$*" >> "${calls}"\n[ "$2" = mirror ] && [ -n "$MC_FAIL" ] && exit 1\nexit 0\n`,
      { mode: 0o755 }
    )
    await writeFile(join(workDir, 'key'), 'atiende-admin\n')
    await writeFile(join(workDir, 'secret'), 's3cr3t-value\n')
    const settings = {
      PATH: `${bin}:${process.env.PATH}`,
      PGDATABASE: 'copied',
      BACKUP_DIR: dir,
      BACKUP_S3_URL: 'http://minio:9000',
      BACKUP_S3_BUCKET: 'atiende-backups',
      BACKUP_S3_ACCESS_KEY_FILE: join(workDir, 'key'),
      BACKUP_S3_SECRET_KEY_FILE: join(workDir, 'secret'),
    }

    const copied = await backup({ ...settings, BACKUP_NOW: '2026-04-01 03:00:00' })
    assert.equal(copied.code, 0, copied.stderr)
    const failed = await backup({ ...settings, BACKUP_NOW: '2026-04-02 03:00:00', MC_FAIL: '1' })
    assert.equal(failed.code, 1)
    assert.include(failed.stderr, 'the local dump is kept')

    assert.deepEqual(await dumpsIn(join(dir, 'daily')), [
      'copied-20260401-030000.dump',
      'copied-20260402-030000.dump',
    ])
    const { stdout } = await runProcess('cat', [calls])
    assert.include(stdout, '--quiet alias set backups http://minio:9000 atiende-admin s3cr3t-value')
    assert.include(
      stdout,
      `--quiet mirror --overwrite --exclude .* ${dir} backups/atiende-backups/copied`
    )
    assert.notInclude(stdout, '--remove')
  }).skip(!!missing, missing ?? undefined)
})
