import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { FakeEvolution } from '#tests/helpers/fake_evolution'
import { FakeOpenAI } from '#tests/helpers/fake_openai'
import { callApi, ownerThroughApi } from '#tests/helpers/app_processes'
import { freePort } from '#tests/helpers/throwaway_services'
import { run, stop, track } from './processes.js'

export const APP_ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const BUILD_DIR = join(APP_ROOT, 'build')
export const POSTGRES = 'postgres://postgres@127.0.0.1:5432'
export const OPENAI_KEY = 'sk-bench-0123456789abcdefghijklmn'

/**
 * A database of the benchmarks' own on the machine's PostgreSQL. Its name
 * must contain "bench": nothing else is ever created or dropped.
 */
export class BenchDatabase {
  readonly url: string
  #pool: pg.Pool | null = null

  constructor(readonly name: string) {
    if (!/^[a-z0-9_]*bench[a-z0-9_]*$/.test(name)) {
      throw new Error(`"${name}" is not a benchmark database name (it must contain "bench")`)
    }
    this.url = `${POSTGRES}/${name}`
  }

  static async admin<T>(work: (client: pg.Client) => Promise<T>) {
    const client = new pg.Client({ connectionString: `${POSTGRES}/postgres` })
    await client.connect()
    try {
      return await work(client)
    } finally {
      await client.end()
    }
  }

  async exists() {
    return BenchDatabase.admin(async (client) => {
      const { rows } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
        this.name,
      ])
      return rows.length > 0
    })
  }

  /**
   * Drops the database (when it exists) and creates it empty.
   */
  async recreate() {
    await this.close()
    await BenchDatabase.admin(async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${this.name} WITH (FORCE)`)
      await client.query(`CREATE DATABASE ${this.name}`)
    })
  }

  async drop() {
    await this.close()
    await BenchDatabase.admin((client) =>
      client.query(`DROP DATABASE IF EXISTS ${this.name} WITH (FORCE)`)
    )
  }

  get pool() {
    this.#pool ??= new pg.Pool({ connectionString: this.url, max: 3 })
    return this.#pool
  }

  async query<T extends pg.QueryResultRow = any>(sql: string, values: unknown[] = []) {
    return this.pool.query<T>(sql, values)
  }

  async close() {
    const pool = this.#pool
    this.#pool = null
    await pool?.end()
  }
}

export type AppSettings = Record<string, string>

/**
 * The V8 flags the image starts the web and worker roles with
 * (NODE_HEAP_FLAGS in docker/entrypoint.sh): the benchmarks measure the
 * processes as production runs them.
 */
export const IMAGE_NODE_FLAGS = (() => {
  const entrypoint = readFileSync(join(APP_ROOT, 'docker', 'entrypoint.sh'), 'utf8')
  const match = /^NODE_HEAP_FLAGS=\$\{NODE_HEAP_FLAGS-"([^"]*)"\}$/m.exec(entrypoint)
  if (!match) throw new Error('docker/entrypoint.sh no longer sets NODE_HEAP_FLAGS')
  return match[1].split(/\s+/).filter(Boolean)
})()

/**
 * One process of the production build (build/, written by `node ace
 * build`): the web role (bin/server.js) or the worker role (ace.js
 * queue:work), on 127.0.0.1, with no `.env` file read.
 */
export class AppProcess {
  readonly output: string[] = []
  #child: ChildProcess | null = null

  constructor(
    readonly role: 'web' | 'worker',
    readonly port: number,
    readonly env: Record<string, string>,
    readonly nodeArgs: string[] = []
  ) {}

  get url() {
    return `http://127.0.0.1:${this.port}`
  }

  get pid() {
    return this.#child!.pid!
  }

  get running() {
    return this.#child !== null && this.#child.exitCode === null && this.#child.signalCode === null
  }

  async start() {
    /**
     * BENCH_FROM_SOURCE=1 runs the source tree instead (quicker iterations
     * while profiling a change; the figures in the document come from the
     * build).
     */
    const fromSource = process.env.BENCH_FROM_SOURCE === '1'
    const script =
      this.role === 'web'
        ? fromSource
          ? ['--import=@poppinss/ts-exec', 'bin/server.ts']
          : ['bin/server.js']
        : ['ace.js', 'queue:work']
    const child = track(
      spawn(process.execPath, [...IMAGE_NODE_FLAGS, ...this.nodeArgs, ...script], {
        cwd: fromSource ? APP_ROOT : BUILD_DIR,
        env: this.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
    )
    this.#child = child
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (line) this.output.push(line)
      }
      if (this.output.length > 500) this.output.splice(0, this.output.length - 500)
    }
    child.stdout!.on('data', collect)
    child.stderr!.on('data', collect)

    const deadline = Date.now() + 60_000
    while (Date.now() < deadline && this.running) {
      try {
        const response = await fetch(`${this.url}/health/ready`)
        if (response.status === 200) return this
      } catch {}
      await sleep(100)
    }
    throw new Error(`the ${this.role} process did not become ready:\n${this.output.join('\n')}`)
  }

  async stop() {
    if (this.#child) await stop(this.#child, 30_000)
  }
}

/**
 * The app as production runs it, on one benchmark database: web processes
 * with QUEUE_WORKERS=off and `queue:work` workers, the WhatsApp gateway and
 * the model faked by real HTTP servers in this (the runner's) process.
 */
export class Deployment {
  readonly folder = mkdtempSync(join(tmpdir(), 'atiende-bench-'))
  readonly gateway = new FakeEvolution()
  readonly openai = new FakeOpenAI()
  readonly processes: AppProcess[] = []
  #started = false

  constructor(
    readonly database: BenchDatabase,
    readonly settings: AppSettings = {}
  ) {
    mkdirSync(join(this.folder, 'env'))
    mkdirSync(join(this.folder, 'uploads'))
  }

  async startFakes() {
    if (this.#started) return
    await Promise.all([this.gateway.start(), this.openai.start()])
    this.openai.acceptedKeys.add(OPENAI_KEY)
    this.#started = true
  }

  env(port: number, settings: AppSettings = {}): Record<string, string> {
    return {
      PATH: process.env.PATH ?? '',
      ENV_PATH: `${join(this.folder, 'env')}/`,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      APP_URL: port ? `http://127.0.0.1:${port}` : 'http://127.0.0.1',
      APP_KEY: 'bench-app-key-0123456789abcdefghijklmnopqrstuv',
      DATABASE_URL: this.database.url,
      SESSION_DRIVER: 'cookie',
      WHATSAPP_DRIVER: 'evolution',
      EVOLUTION_API_URL: this.gateway.url,
      EVOLUTION_API_KEY: this.gateway.globalKey,
      OPENAI_BASE_URL: this.openai.baseUrl,
      DRIVE_DISK: 'fs',
      DRIVE_FS_DIR: join(this.folder, 'uploads'),
      LOG_LEVEL: 'warn',
      QUEUE_WORKERS: 'off',
      SHUTDOWN_DRAIN_SECONDS: '0',
      ...this.settings,
      ...settings,
    }
  }

  /**
   * Applies the migrations with the build's migrate role.
   */
  async migrate() {
    await run(process.execPath, ['ace.js', 'migration:run', '--force'], {
      cwd: process.env.BENCH_FROM_SOURCE === '1' ? APP_ROOT : BUILD_DIR,
      env: this.env(0),
    })
  }

  async web(settings: AppSettings = {}, nodeArgs: string[] = []) {
    const port = await freePort()
    const web = new AppProcess('web', port, this.env(port, settings), nodeArgs)
    this.processes.push(web)
    return web.start()
  }

  async worker(settings: AppSettings = {}, nodeArgs: string[] = []) {
    const port = await freePort()
    const worker = new AppProcess(
      'worker',
      port,
      { ...this.env(0, settings), WORKER_HEALTH_PORT: String(port) },
      nodeArgs
    )
    this.processes.push(worker)
    return worker.start()
  }

  /**
   * The fakes, one web process and one worker, as the benchmarks run the
   * app; answers the web process.
   */
  async start(webNodeArgs: string[] = []) {
    await this.startFakes()
    const web = await this.web({}, webNodeArgs)
    await this.worker()
    return web
  }

  async stopApps() {
    await Promise.all(this.processes.splice(0).map((app) => app.stop()))
  }

  async stop() {
    await this.stopApps()
    if (this.#started) await Promise.all([this.gateway.stop(), this.openai.stop()])
    this.#started = false
    rmSync(this.folder, { recursive: true, force: true })
  }
}

export type BenchBusiness = {
  id: string
  instanceName: string
  token: string
  email: string
  password: string
  /**
   * The headers the gateway sends with each delivery (the instance's secret).
   */
  webhookHeaders: Record<string, string>
}

/**
 * An owner signs up through the JSON API, creates the business, saves an
 * OpenAI key the fake accepts and connects WhatsApp (the gateway reports
 * the connection open), as a real owner would.
 */
export async function setUpBusiness(
  deployment: Deployment,
  web: AppProcess,
  options: { name: string; email: string; botEnabled: boolean; replyDelaySeconds?: number }
): Promise<BenchBusiness> {
  const password = 'bench-password-123'
  const { token, businessId, instanceName } = await ownerThroughApi(web, deployment.gateway, {
    email: options.email,
    password,
    businessName: options.name,
    openaiKey: OPENAI_KEY,
  })
  if (!options.botEnabled) {
    await callApi(web, 'PUT', `/business/${businessId}/bot-toggle`, { botEnabled: false }, token)
  }
  await deployment.database.query('UPDATE businesses SET reply_delay_seconds = $2 WHERE id = $1', [
    businessId,
    options.replyDelaySeconds ?? 0,
  ])
  return {
    id: businessId,
    instanceName,
    token,
    email: options.email,
    password,
    webhookHeaders: deployment.gateway.instances.get(instanceName)!.webhook.headers,
  }
}

/**
 * A webhook delivery body as the gateway posts it: a customer's text
 * (messages.upsert).
 */
export function deliveryBody(
  instanceName: string,
  message: { id: string; phone: string; text: string; pushName?: string }
) {
  return JSON.stringify({
    event: 'messages.upsert',
    instance: instanceName,
    data: FakeEvolution.textMessage({
      id: message.id,
      from: `${message.phone}@s.whatsapp.net`,
      text: message.text,
      pushName: message.pushName,
    }),
    destination: 'http://127.0.0.1/webhooks/whatsapp',
    date_time: new Date().toISOString(),
    sender: '5215599990000@s.whatsapp.net',
    server_url: 'http://127.0.0.1:8080',
    apikey: null,
  })
}

export function buildExists() {
  return existsSync(join(BUILD_DIR, 'bin', 'server.js'))
}
