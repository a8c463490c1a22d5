import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

/**
 * PostgreSQL and Redis servers a test starts for itself (a temporary data
 * folder, another port on 127.0.0.1) and may stop, kill or restart at will:
 * never the machine's shared servers. They use Debian's binaries; where
 * those are missing, `missingServers()` says which, so a test can skip
 * with that reason.
 */

export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) return null
  const versions = readdirSync(root)
    .filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))
  return versions.length > 0 ? join(root, versions[0], 'bin') : null
}

export function redisServerPath(): string | null {
  for (const candidate of ['/usr/bin/redis-server', '/usr/local/bin/redis-server']) {
    if (existsSync(candidate)) return candidate
  }
  return null
}

/**
 * Why the throwaway servers cannot run here, or null when they can.
 */
export function missingServers(needs: { postgres?: boolean; redis?: boolean }) {
  const missing: string[] = []
  if (needs.postgres && !postgresBinDir()) missing.push('PostgreSQL (initdb, postgres)')
  if (needs.redis && !redisServerPath()) missing.push('redis-server')
  return missing.length > 0 ? `needs ${missing.join(' and ')} on this machine` : null
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/**
 * PostgreSQL refuses to run as root: as root, its processes run as the
 * `postgres` system user.
 */
function postgresUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' })
  const uid = Number(id('-u').stdout.trim())
  const gid = Number(id('-g').stdout.trim())
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) {
    throw new Error('Running as root needs a "postgres" system user to run PostgreSQL')
  }
  return { uid, gid }
}

export class ThrowawayPostgres {
  readonly port: number
  readonly dataDir: string
  readonly binDir: string
  #process: ChildProcess | null = null
  #user = postgresUser()
  #log: string[] = []

  private constructor(port: number, dataDir: string, binDir: string) {
    this.port = port
    this.dataDir = dataDir
    this.binDir = binDir
  }

  /**
   * A fresh cluster (trust auth) with a database `atiende`. Without fsync:
   * fast, and still durable when the server is killed (the operating
   * system keeps what was written); commits stay synchronous, so a commit
   * the app was told about survives a kill.
   */
  static async start() {
    const binDir = postgresBinDir()
    if (!binDir) throw new Error(missingServers({ postgres: true })!)
    const root = mkdtempSync(join(tmpdir(), 'atiende-pg-'))
    chmodSync(root, 0o755)
    const dataDir = join(root, 'data')
    const server = new ThrowawayPostgres(await freePort(), dataDir, binDir)
    if (server.#user) chownSync(root, server.#user.uid, server.#user.gid)

    const init = spawnSync(
      join(binDir, 'initdb'),
      [
        '-D',
        dataDir,
        '-U',
        'postgres',
        '-A',
        'trust',
        '-E',
        'UTF8',
        '--no-sync',
        '--locale=C.UTF-8',
      ],
      { encoding: 'utf8', ...(server.#user ?? {}) }
    )
    if (init.status !== 0) {
      throw new Error(`initdb failed: ${init.stderr || init.stdout}`)
    }
    await server.resume()
    await server.query('CREATE DATABASE atiende')
    return server
  }

  url(database = 'atiende') {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`
  }

  get running() {
    return this.#process !== null
  }

  /**
   * Starts the server on its data folder (again, after stop() or kill()).
   */
  async resume() {
    if (this.#process) return
    const child = spawn(
      join(this.binDir, 'postgres'),
      [
        '-D',
        this.dataDir,
        '-p',
        String(this.port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        `unix_socket_directories=${this.dataDir}`,
        '-c',
        'fsync=off',
        '-c',
        'full_page_writes=off',
        '-c',
        'max_connections=200',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], ...(this.#user ?? {}) }
    )
    const remember = (chunk: Buffer) => {
      this.#log.push(chunk.toString())
      if (this.#log.length > 200) this.#log.shift()
    }
    child.stdout?.on('data', remember)
    child.stderr?.on('data', remember)
    this.#process = child
    child.once('exit', () => {
      if (this.#process === child) this.#process = null
    })
    await this.#waitUntilReady()
  }

  async #waitUntilReady() {
    const deadline = Date.now() + 20_000
    while (Date.now() < deadline) {
      const ready = spawnSync(
        join(this.binDir, 'pg_isready'),
        ['-h', '127.0.0.1', '-p', String(this.port), '-U', 'postgres', '-q'],
        { encoding: 'utf8' }
      )
      if (ready.status === 0) return
      if (!this.#process) break
      await sleep(100)
    }
    throw new Error(`PostgreSQL did not start:\n${this.#log.join('')}`)
  }

  /**
   * Runs SQL through psql (for setup; tests read through their own clients).
   */
  async query(sql: string, database = 'postgres') {
    const result = spawnSync(
      join(this.binDir, 'psql'),
      [
        '-h',
        '127.0.0.1',
        '-p',
        String(this.port),
        '-U',
        'postgres',
        '-d',
        database,
        '-qAt',
        '-v',
        'ON_ERROR_STOP=1',
        '-c',
        sql,
      ],
      { encoding: 'utf8' }
    )
    if (result.status !== 0) throw new Error(`psql failed: ${result.stderr}`)
    return result.stdout.trim()
  }

  /**
   * A fast shutdown: connections are closed, the data stays.
   */
  async stop() {
    await this.#signal('SIGINT')
  }

  /**
   * Dies at once, as a crashed server would (recovery on the next start).
   */
  async kill() {
    await this.#signal('SIGKILL')
  }

  async #signal(signal: NodeJS.Signals) {
    const child = this.#process
    if (!child) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill(signal)
    await exited
    this.#process = null
    if (signal === 'SIGKILL') {
      /**
       * Its children (backends, checkpointer) notice the postmaster is gone
       * and exit; the next start waits for the old shared memory to go.
       */
      await sleep(300)
    }
  }

  async destroy() {
    await this.stop()
    rmSync(join(this.dataDir, '..'), { recursive: true, force: true })
  }
}

export class ThrowawayRedis {
  readonly port: number
  #process: ChildProcess

  private constructor(port: number, child: ChildProcess) {
    this.port = port
    this.#process = child
  }

  static async start() {
    const binary = redisServerPath()
    if (!binary) throw new Error(missingServers({ redis: true })!)
    const port = await freePort()
    const child = spawn(
      binary,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] }
    )
    let output = ''
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`redis-server did not start:\n${output}`)),
        10_000
      )
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer)
          resolve()
        }
      })
      child.once('exit', () => {
        clearTimeout(timer)
        reject(new Error(`redis-server exited:\n${output}`))
      })
    })
    return new ThrowawayRedis(port, child)
  }

  url() {
    return `redis://127.0.0.1:${this.port}`
  }

  async stop() {
    if (this.#process.exitCode !== null) return
    const exited = new Promise((resolve) => this.#process.once('exit', resolve))
    this.#process.kill('SIGTERM')
    await exited
  }
}
