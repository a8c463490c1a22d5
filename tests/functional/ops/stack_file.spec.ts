import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import { spawnSync } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { parse as parseYaml } from 'yaml'
import { runProcess } from './run_process.js'

/**
 * docker/stack.yml as Swarm reads it: `docker stack config` (the CLI only,
 * no engine) with the settings of docker/stack.env.example.
 */
const dockerMissing = spawnSync('docker', ['--version']).error ? 'needs the docker CLI' : null

interface Service {
  image?: string
  command?: string[]
  environment?: Record<string, string>
  networks?: Record<string, unknown>
  ports?: { target: number; published: number; mode?: string }[]
  volumes?: { type: string; source?: string; target: string }[]
  secrets?: { source: string }[]
  healthcheck?: { test?: string[]; disable?: boolean }
  deploy?: {
    mode?: string
    replicas?: number
    labels?: Record<string, string>
    update_config?: { order?: string; failure_action?: string }
    placement?: { constraints?: string[] }
  }
}

interface Stack {
  services: Record<string, Service>
  secrets: Record<string, { external?: boolean; name?: string }>
  volumes: Record<string, unknown>
}

async function exampleSettings() {
  const text = await readFile(app.makePath('docker/stack.env.example'), 'utf8')
  const settings: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line)
    if (match) settings[match[1]] = match[2]
  }
  return settings
}

function stackConfig(settings: Record<string, string>) {
  return runProcess('docker', ['stack', 'config', '-c', app.makePath('docker/stack.yml')], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...settings },
  })
}

test.group('Ops: the Swarm stack file', () => {
  test('docker stack config accepts it with the example settings, and it has what production needs', async ({
    assert,
  }) => {
    const resolved = await stackConfig(await exampleSettings())
    assert.equal(resolved.code, 0, resolved.stderr)
    const stack = parseYaml(resolved.stdout) as Stack
    const { app: web, worker, migrate, traefik } = stack.services

    assert.isAtLeast(web.deploy!.replicas!, 2)
    assert.deepEqual(web.command, ['web'])
    assert.equal(web.deploy!.update_config!.order, 'start-first')
    assert.equal(web.deploy!.update_config!.failure_action, 'rollback')
    assert.include(web.healthcheck!.test!.join(' '), 'healthcheck.mjs')
    assert.containSubset(web.environment, {
      NODE_ENV: 'production',
      APP_URL: 'https://atiende.example.com',
      QUEUE_WORKERS: 'off',
      REDIS_URL: 'redis://redis:6379',
      DRIVE_DISK: 's3',
      S3_ENDPOINT: 'http://minio:9000',
      S3_PUBLIC_ENDPOINT: 'https://files.example.com',
      WHATSAPP_WEBHOOK_URL: 'http://app:3333/webhooks/whatsapp',
    })

    const labels = web.deploy!.labels!
    assert.equal(labels['traefik.enable'], 'true')
    assert.equal(labels['traefik.http.routers.atiende.rule'], 'Host(`atiende.example.com`)')
    assert.equal(labels['traefik.http.services.atiende.loadbalancer.sticky.cookie'], 'true')
    assert.equal(
      labels['traefik.http.services.atiende.loadbalancer.healthcheck.path'],
      '/health/ready'
    )
    assert.include(
      labels['traefik.http.routers.atiende-transmit.rule'],
      'PathPrefix(`/__transmit`)'
    )
    assert.notProperty(labels, 'traefik.http.routers.atiende-transmit.middlewares')

    assert.deepEqual(worker.command, ['worker'])
    assert.isAtLeast(worker.deploy!.replicas!, 1)
    assert.property(worker.environment, 'WORKER_HEALTH_PORT')
    assert.include(worker.healthcheck!.test!.join(' '), 'healthcheck.mjs')

    assert.deepEqual(migrate.command, ['migrate'])
    assert.equal(migrate.deploy!.mode, 'replicated-job')
    assert.isTrue(migrate.healthcheck!.disable)

    assert.sameMembers(
      traefik.ports!.map((port) => port.published),
      [80, 443]
    )
    assert.includeMembers(traefik.command!, [
      '--providers.swarm.exposedByDefault=false',
      '--entrypoints.web.http.redirections.entrypoint.to=websecure',
      '--certificatesresolvers.letsencrypt.acme.storage=/letsencrypt/acme.json',
    ])
    assert.isFalse(
      traefik.command!.some((argument) => argument.startsWith('--api')),
      'the dashboard stays off'
    )
    const publishing = Object.entries(stack.services)
      .filter(([, service]) => service.ports?.length)
      .map(([name]) => name)
    assert.deepEqual(publishing, ['traefik'])

    for (const { source } of web.secrets!) {
      assert.isTrue(stack.secrets[source].external, `secret ${source} is external`)
    }
    for (const [variable, value] of Object.entries(web.environment!)) {
      if (!variable.endsWith('_FILE')) continue
      const secret = value.replace('/run/secrets/', '')
      assert.include(
        web.secrets!.map((mounted) => mounted.source),
        secret,
        `${variable} reads a mounted secret`
      )
    }

    const volumeAt = (service: string, target: string) =>
      stack.services[service].volumes?.find((volume) => volume.target === target)
    for (const [service, target] of [
      ['traefik', '/letsencrypt'],
      ['postgres', '/var/lib/postgresql/data'],
      ['minio', '/data'],
      ['evolution', '/evolution/instances'],
      ['evolution-postgres', '/var/lib/postgresql/data'],
      ['backups', '/backups'],
    ]) {
      const volume = volumeAt(service, target)
      assert.equal(volume?.type, 'volume', `${service} keeps ${target} on a named volume`)
      assert.property(stack.volumes, volume!.source!)
    }

    for (const name of ['evolution', 'evolution-postgres', 'postgres', 'redis', 'worker']) {
      assert.notProperty(stack.services[name].networks, 'public', `${name} is internal`)
    }
    for (const name of ['postgres', 'evolution-postgres', 'minio', 'evolution']) {
      const service = stack.services[name]
      assert.equal(service.deploy!.update_config!.order, 'stop-first', `${name} never runs twice`)
      assert.include(service.deploy!.placement!.constraints!, 'node.labels.atiende.data == true')
    }

    assert.containSubset(stack.services.backups.environment, {
      PGHOST: 'postgres',
      BACKUP_AT: '03:00',
      BACKUP_KEEP_DAILY: '7',
      BACKUP_KEEP_WEEKLY: '4',
      BACKUP_KEEP_MONTHLY: '6',
    })
  }).skip(!!dockerMissing, dockerMissing ?? undefined)

  test('a missing setting stops it with the setting’s name', async ({ assert }) => {
    const settings = await exampleSettings()
    delete settings.APP_HOST
    const resolved = await stackConfig(settings)
    assert.notEqual(resolved.code, 0)
    assert.include(resolved.stderr, 'set APP_HOST')
  }).skip(!!dockerMissing, dockerMissing ?? undefined)

  test('the image: Node 24, built by node ace build, production dependencies only, non-root, with a healthcheck', async ({
    assert,
  }) => {
    const dockerfile = await readFile(app.makePath('docker/Dockerfile'), 'utf8')
    const instructions = dockerfile
      .replace(/\\\n/g, ' ')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'))

    assert.match(dockerfile, /^ARG NODE_IMAGE=node:24[.\w-]*$/m)
    const froms = instructions.filter((line) => line.startsWith('FROM '))
    assert.isAtLeast(froms.length, 3, 'multi-stage')
    for (const from of froms) {
      assert.match(from, /^FROM (\$\{NODE_IMAGE\}|deps) AS /)
    }
    assert.include(dockerfile, 'node ace build')
    assert.include(dockerfile, 'npm ci --omit=dev')

    const runtime = instructions.slice(instructions.lastIndexOf(froms[froms.length - 1]))
    const user = runtime.findLast((line) => line.startsWith('USER '))
    assert.exists(user, 'the runtime stage sets a USER')
    assert.notMatch(user!, /^USER (root|0)(:|$)/)
    assert.isTrue(runtime.some((line) => /^HEALTHCHECK .*healthcheck\.mjs/.test(line)))
    assert.include(runtime, 'STOPSIGNAL SIGTERM')
    assert.isTrue(runtime.some((line) => /^ENTRYPOINT \[.*tini.*\]/.test(line)))
    assert.isTrue(runtime.some((line) => line.startsWith('COPY --from=production-deps')))
  })

  test('.dockerignore keeps dependencies, build output, local data and secrets out', async ({
    assert,
  }) => {
    const dockerignore = await readFile(app.makePath('.dockerignore'), 'utf8')
    const ignored = dockerignore.split('\n')
    assert.includeMembers(ignored, ['node_modules', 'build', 'storage', 'tmp', '.env', '.git'])
  })
})
