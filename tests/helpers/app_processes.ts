import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import type { FakeEvolution } from '#tests/helpers/fake_evolution'
import { freePort } from '#tests/helpers/throwaway_services'

const APP_ROOT = fileURLToPath(new URL('../../', import.meta.url))

export type LogLine = Record<string, unknown> & { level: number; msg: string }

/**
 * Settings shared by every process of a deployment: production mode from
 * the source tree, no `.env` file (an empty folder as ENV_PATH), the app key
 * from a file as Docker secrets give it.
 */
export class Deployment {
  readonly folder = mkdtempSync(join(tmpdir(), 'atiende-deploy-'))
  readonly env: Record<string, string>

  constructor(settings: Record<string, string>) {
    writeFileSync(join(this.folder, 'app_key'), `${'k'.repeat(48)}\n`, { mode: 0o600 })
    this.env = {
      PATH: process.env.PATH ?? '',
      ENV_PATH: `${this.folder}/`,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      APP_KEY_FILE: join(this.folder, 'app_key'),
      SESSION_DRIVER: 'cookie',
      LOG_LEVEL: 'info',
      DRIVE_DISK: 'fs',
      DRIVE_FS_DIR: join(this.folder, 'uploads'),
      ...settings,
    }
  }

  /**
   * The migrate role: applies the migrations and exits.
   */
  async migrate() {
    const child = spawn(process.execPath, ['ace.js', 'migration:run', '--force'], {
      cwd: APP_ROOT,
      env: { ...this.env, PORT: '0', APP_URL: 'http://127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    if (code !== 0) throw new Error(`migrations failed (${code}):\n${output}`)
  }

  async web(name: string, settings: Record<string, string> = {}) {
    const port = await freePort()
    return new AppProcess(name, 'web', port, {
      ...this.env,
      PORT: String(port),
      APP_URL: `http://127.0.0.1:${port}`,
      ...settings,
    }).start()
  }

  async worker(name: string, settings: Record<string, string> = {}) {
    const port = await freePort()
    return new AppProcess(name, 'worker', port, {
      ...this.env,
      PORT: '0',
      APP_URL: 'http://127.0.0.1',
      WORKER_HEALTH_PORT: String(port),
      ...settings,
    }).start()
  }

  destroy() {
    rmSync(this.folder, { recursive: true, force: true })
  }
}

/**
 * One process of the app as production runs it: the web role
 * (bin/server.ts) or the worker role (ace queue:work), with its JSON log
 * lines collected.
 */
export class AppProcess {
  readonly logs: LogLine[] = []
  readonly output: string[] = []
  #child: ChildProcess | null = null
  #exit: Promise<number | null> | null = null

  constructor(
    readonly name: string,
    readonly role: 'web' | 'worker',
    readonly port: number,
    readonly env: Record<string, string>
  ) {}

  get url() {
    return `http://127.0.0.1:${this.port}`
  }

  get running() {
    return this.#child !== null && this.#child.exitCode === null && this.#child.signalCode === null
  }

  async start() {
    const args =
      this.role === 'web'
        ? ['--import=@poppinss/ts-exec', 'bin/server.ts']
        : ['ace.js', 'queue:work']
    const child = spawn(process.execPath, args, {
      cwd: APP_ROOT,
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.#child = child
    this.#exit = new Promise((resolve) => child.once('exit', (code) => resolve(code)))
    let pending = ''
    const collect = (chunk: Buffer) => {
      pending += chunk.toString()
      const lines = pending.split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) {
        this.output.push(line)
        if (!line.startsWith('{')) continue
        try {
          this.logs.push(JSON.parse(line))
        } catch {}
      }
    }
    child.stdout!.on('data', collect)
    child.stderr!.on('data', collect)
    await this.#waitUntilReady()
    return this
  }

  async #waitUntilReady() {
    const deadline = Date.now() + 60_000
    while (Date.now() < deadline) {
      if (!this.running) break
      try {
        const response = await fetch(`${this.url}/health/ready`)
        if (response.status === 200) return
      } catch {}
      await sleep(100)
    }
    throw new Error(`${this.name} did not become ready:\n${this.output.join('\n')}`)
  }

  /**
   * Sends the signal and waits for the exit code (SIGTERM: a graceful stop).
   */
  async stop(signal: NodeJS.Signals = 'SIGTERM') {
    if (!this.running) return this.#exit
    this.#child!.kill(signal)
    return this.#exit
  }

  /**
   * Dies at once, as when a machine fails or the kernel kills it.
   */
  async kill() {
    return this.stop('SIGKILL')
  }

  async exited() {
    return this.#exit
  }

  async waitForLog(matches: (line: LogLine) => boolean, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      const line = this.logs.find(matches)
      if (line) return line
      await sleep(50)
    }
    throw new Error(
      `${this.name}: no such log line within ${timeoutMs} ms:\n${this.output.join('\n')}`
    )
  }
}

/**
 * What the API helpers need of an app process (this file's, or the
 * benchmarks' running the build).
 */
type Reachable = { url: string }

/**
 * A JSON API call on an app process; anything but 2xx throws with the
 * answer.
 */
export async function callApi(
  web: Reachable,
  method: string,
  path: string,
  body?: unknown,
  token?: string
) {
  const response = await fetch(`${web.url}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      'accept': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const json = (await response.json()) as any
  if (!response.ok) {
    throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`)
  }
  return json
}

/**
 * An owner signs up through the app's API, creates a business and connects
 * its WhatsApp on the fake gateway; with `openaiKey`, the agent's key too.
 */
export async function ownerThroughApi(
  web: Reachable,
  gateway: FakeEvolution,
  owner: { email: string; password: string; businessName: string; openaiKey?: string }
) {
  const { token } = await callApi(web, 'POST', '/auth/register', {
    name: 'Dueña',
    email: owner.email,
    password: owner.password,
  })
  const business = await callApi(web, 'POST', '/business', { name: owner.businessName }, token)
  if (owner.openaiKey) {
    await callApi(
      web,
      'PUT',
      `/business/${business.id}/openai`,
      {
        openaiApiKey: owner.openaiKey,
      },
      token
    )
  }
  const known = new Set(gateway.instances.keys())
  await callApi(web, 'POST', '/wa/create', { business_id: business.id }, token)
  const instanceName = [...gateway.instances.keys()].find((name) => !known.has(name))!
  await gateway.deliver(
    instanceName,
    'connection.update',
    { instance: instanceName, wuid: '5215599990000@s.whatsapp.net', state: 'open' },
    { appUrl: web.url }
  )
  return { token: token as string, businessId: business.id as string, instanceName }
}

/**
 * Reads a server-sent event stream, handing each event's parsed data (and
 * `performance.now()` when its bytes arrived) to `onEvent` until it
 * returns true (or the stream ends).
 */
export async function readEvents(
  response: Response,
  onEvent: (data: any, at: number) => boolean | void
): Promise<'matched' | 'ended'> {
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return 'ended'
    const at = performance.now()
    buffer += decoder.decode(value, { stream: true })
    let boundary = buffer.indexOf('\n\n')
    while (boundary !== -1) {
      const block = buffer.slice(0, boundary)
      buffer = buffer.slice(boundary + 2)
      boundary = buffer.indexOf('\n\n')
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trim())
        .join('\n')
      if (!data) continue
      let parsed: unknown
      try {
        parsed = JSON.parse(data)
      } catch {
        continue
      }
      if (onEvent(parsed, at)) {
        await reader.cancel()
        return 'matched'
      }
    }
  }
}
