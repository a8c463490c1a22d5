import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '#tests/helpers/throwaway_services'
import { runProcess } from './run_process.js'

/**
 * The image's entrypoint and healthcheck, run as the container runs them
 * (from the app folder), against a stand-in build and a real HTTP server.
 */
const entrypoint = app.makePath('docker/entrypoint.sh')
const healthcheck = app.makePath('docker/healthcheck.mjs')

test.group('Ops: image entrypoint and healthcheck', (group) => {
  let appDir: string
  let roleFile: string

  group.setup(async () => {
    appDir = await mkdtemp(join(tmpdir(), 'atiende-image-'))
    roleFile = join(appDir, 'role')
    await mkdir(join(appDir, 'bin'))
    /**
     * A stand-in build: each entry file prints what it was started with.
     */
    const report = (script: string) => `
      if (process.env.WAIT_FOR_SIGTERM) {
        process.on('SIGTERM', () => { console.log('SIGTERM'); process.exit(0) })
        setInterval(() => {}, 1000)
      }
      console.log(JSON.stringify({ script: '${script}', args: process.argv.slice(2), role: process.env.ATIENDE_ROLE, node: process.execArgv }))
      if (process.env.DATABASE_NEVER_UP && process.argv[2] === 'db:wait') process.exit(1)
    `
    await writeFile(join(appDir, 'bin', 'server.js'), report('bin/server.js'))
    await writeFile(join(appDir, 'ace.js'), report('ace.js'))
    return () => rm(appDir, { recursive: true, force: true })
  })

  function start(args: string[], extra: Record<string, string> = {}) {
    return runProcess('sh', [entrypoint, ...args], {
      cwd: appDir,
      env: { PATH: process.env.PATH, ATIENDE_ROLE_FILE: roleFile, ...extra },
    })
  }

  test('the first argument picks the role', async ({ assert }) => {
    /**
     * The long-running roles get the image's heap sizing.
     */
    const heap = ['--max-semi-space-size=16', '--heap-growing-percent=50']
    const cases: [string[], { script: string; args: string[]; role: string; node: string[] }][] = [
      [['web'], { script: 'bin/server.js', args: [], role: 'web', node: heap }],
      [['worker'], { script: 'ace.js', args: ['queue:work'], role: 'worker', node: heap }],
      [
        ['migrate'],
        { script: 'ace.js', args: ['migration:run', '--force'], role: 'migrate', node: [] },
      ],
      [
        ['ace', 'user:create', '--email', 'owner@example.com', '--name', 'Dueña Núñez'],
        {
          script: 'ace.js',
          args: ['user:create', '--email', 'owner@example.com', '--name', 'Dueña Núñez'],
          role: 'ace',
          node: [],
        },
      ],
    ]
    for (const [args, expected] of cases) {
      await writeFile(roleFile, 'web\n')
      const run = await start(args)
      assert.equal(run.code, 0, run.stderr)
      const started = run.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line))
      assert.deepEqual(started.at(-1), expected)
      /**
       * Migrations wait for the database first (it may still be starting
       * on a first deploy); nothing else waits.
       */
      assert.deepEqual(
        started.slice(0, -1).map((earlier) => earlier.args),
        expected.role === 'migrate' ? [['db:wait', '--timeout', '180']] : []
      )
      /**
       * What the healthcheck will check; an admin command run next to the
       * server leaves it alone.
       */
      const written = await readFile(roleFile, 'utf8')
      assert.equal(written.trim(), expected.role === 'ace' ? 'web' : expected.role)
    }

    const noDatabase = await start(['migrate'], { DATABASE_NEVER_UP: '1' })
    assert.equal(noDatabase.code, 1)
    assert.notInclude(noDatabase.stdout, 'migration:run', 'no migrations without a database')

    const defaults = await start(['web'], { NODE_HEAP_FLAGS: '' })
    assert.deepEqual(JSON.parse(defaults.stdout).node, [], 'NODE_HEAP_FLAGS= leaves V8 alone')

    for (const args of [[], ['serve'], ['ace']]) {
      const run = await start(args)
      assert.equal(run.code, 64, `atiende ${args.join(' ')}`)
      assert.include(run.stderr, 'usage: atiende web | worker | migrate | ace')
    }
  })

  test('SIGTERM reaches the app itself', async ({ assert }) => {
    const child = spawn('sh', [entrypoint, 'web'], {
      cwd: appDir,
      env: { PATH: process.env.PATH, ATIENDE_ROLE_FILE: roleFile, WAIT_FOR_SIGTERM: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        if (output.includes('bin/server.js')) resolve()
      })
    )
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve))
    child.kill('SIGTERM')
    assert.equal(await exited, 0)
    assert.include(output, 'SIGTERM')
  })

  test('the healthcheck asks the role’s readiness endpoint', async ({ assert }) => {
    let status = 200
    const requests: string[] = []
    const server: Server = createServer((request, response) => {
      requests.push(request.url ?? '')
      response.writeHead(status, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ status: status === 200 ? 'ok' : 'failing' }))
    })
    const port = await freePort()
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
    const closedPort = await freePort()

    async function check(role: string, env: Record<string, string>) {
      await writeFile(roleFile, `${role}\n`)
      return runProcess(process.execPath, [healthcheck], {
        env: { PATH: process.env.PATH, ATIENDE_ROLE_FILE: roleFile, HOST: '0.0.0.0', ...env },
      })
    }

    try {
      const ready = await check('web', { PORT: String(port) })
      assert.equal(ready.code, 0, ready.stdout)
      assert.deepEqual(requests, ['/health/ready'])

      status = 503
      const draining = await check('web', { PORT: String(port) })
      assert.equal(draining.code, 1)
      assert.include(draining.stdout, '503')

      status = 200
      const worker = await check('worker', {
        PORT: String(closedPort),
        WORKER_HEALTH_PORT: String(port),
      })
      assert.equal(worker.code, 0, worker.stdout)
      const quietWorker = await check('worker', { PORT: String(port) })
      assert.equal(quietWorker.code, 0)
      assert.include(quietWorker.stdout, 'nothing to check')
      assert.lengthOf(requests, 3)

      const down = await check('web', { PORT: String(closedPort) })
      assert.equal(down.code, 1)
      assert.include(down.stdout, 'no answer')

      const oneShot = await check('migrate', { PORT: String(closedPort) })
      assert.equal(oneShot.code, 0)
      assert.include(oneShot.stdout, 'nothing to check')
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })

  test('every shell script in docker/ parses', async ({ assert }) => {
    const files = await readdir(app.makePath('docker'), { recursive: true })
    const scripts = files.filter((file) => file.endsWith('.sh')).map((file) => `docker/${file}`)
    assert.include(scripts, 'docker/entrypoint.sh')
    for (const script of scripts) {
      const parsed = await runProcess('sh', ['-n', app.makePath(script)])
      assert.equal(parsed.code, 0, `${script}: ${parsed.stderr}`)
    }
  })
})
