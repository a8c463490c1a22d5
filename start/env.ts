/*
|--------------------------------------------------------------------------
| Environment variables
|--------------------------------------------------------------------------
|
| Every variable the app reads is validated here; the app refuses to start
| with a clear message when a required one is missing or malformed.
| `.env.example` documents each of them.
|
*/
import { readFileSync } from 'node:fs'
import { Env } from '@adonisjs/core/env'

/**
 * Secrets may come from files (Docker secrets): `APP_KEY_FILE=/run/secrets/app_key`
 * sets APP_KEY to that file's content, without its trailing newline.
 */
export const SECRET_FILE_VARIABLES = [
  'APP_KEY',
  'APP_OLD_KEYS',
  'DB_PASSWORD',
  'S3_ACCESS_KEY_ID',
  'S3_SECRET_ACCESS_KEY',
  'EVOLUTION_API_KEY',
] as const

export function readSecretFiles(environment: NodeJS.ProcessEnv = process.env) {
  for (const name of SECRET_FILE_VARIABLES) {
    const path = environment[`${name}_FILE`]
    if (!path) continue
    if (environment[name]) {
      throw new Error(`Set either ${name} or ${name}_FILE, not both.`)
    }
    let content: string
    try {
      content = readFileSync(path, 'utf8').replace(/\r?\n$/, '')
    } catch (error) {
      throw new Error(
        `${name}_FILE points at "${path}", which cannot be read: ${error.code ?? error}`
      )
    }
    if (!content) {
      throw new Error(`${name}_FILE points at "${path}", which is empty.`)
    }
    environment[name] = content
  }
}

readSecretFiles()

export default await Env.create(new URL('../', import.meta.url), {
  NODE_ENV: Env.schema.enum(['development', 'production', 'test'] as const),
  PORT: Env.schema.number(),
  HOST: Env.schema.string({ format: 'host' }),
  APP_KEY: Env.schema.secret(),
  /**
   * Keys APP_KEY replaced, comma-separated: stored secrets still decrypt
   * with them until `node ace keys:rotate` has re-encrypted them.
   */
  APP_OLD_KEYS: Env.schema.string.optional(),
  APP_URL: Env.schema.string({ format: 'url', tld: false }),
  APP_NAME: Env.schema.string.optional(),
  LOG_LEVEL: Env.schema.string.optional(),
  TRUST_PROXY: Env.schema.boolean.optional(),
  /**
   * false: pages render in the browser only, as before server-side
   * rendering (default true; config/inertia.ts).
   */
  INERTIA_SSR: Env.schema.boolean.optional(),

  /*
  |----------------------------------------------------------
  | Database: a PostgreSQL URL, or nothing for the embedded
  | database (one machine, trying the product only).
  |----------------------------------------------------------
  */
  DATABASE_URL: Env.schema.string.optional(),
  /**
   * The password for DATABASE_URL, when it is kept out of the URL (Docker
   * secrets: DB_PASSWORD_FILE).
   */
  DB_PASSWORD: Env.schema.string.optional(),
  DB_POOL_MAX: Env.schema.number.optional(),
  EMBEDDED_DB_DIR: Env.schema.string.optional(),

  /*
  |----------------------------------------------------------
  | Session
  |----------------------------------------------------------
  */
  SESSION_DRIVER: Env.schema.enum(['database', 'cookie', 'memory'] as const),

  /*
  |----------------------------------------------------------
  | AI provider
  |----------------------------------------------------------
  */
  OPENAI_BASE_URL: Env.schema.string.optional({ format: 'url', tld: false }),
  /**
   * Hosts ("name" or "name:port", comma-separated) a business may set as
   * its own provider URL even on a private network (a self-hosted model).
   */
  AI_PROVIDER_ALLOWED_HOSTS: Env.schema.string.optional(),

  /*
  |----------------------------------------------------------
  | Variables for configuring the limiter package
  |----------------------------------------------------------
  */
  LIMITER_STORE: Env.schema.enum.optional(['database', 'memory'] as const),

  /*
  |----------------------------------------------------------
  | File storage (product photos, logos)
  |----------------------------------------------------------
  */
  DRIVE_DISK: Env.schema.enum.optional(['fs', 's3'] as const),
  DRIVE_FS_DIR: Env.schema.string.optional(),
  S3_ENDPOINT: Env.schema.string.optional({ format: 'url', tld: false }),
  /**
   * The host in signed links, when the app reaches S3 at another address
   * (MinIO on the internal network, links on its public HTTPS host).
   */
  S3_PUBLIC_ENDPOINT: Env.schema.string.optional({ format: 'url', tld: false }),
  S3_REGION: Env.schema.string.optional(),
  S3_BUCKET: Env.schema.string.optional(),
  S3_ACCESS_KEY_ID: Env.schema.string.optional(),
  S3_SECRET_ACCESS_KEY: Env.schema.string.optional(),
  S3_FORCE_PATH_STYLE: Env.schema.boolean.optional(),

  /*
  |----------------------------------------------------------
  | WhatsApp gateway
  |----------------------------------------------------------
  */
  WHATSAPP_DRIVER: Env.schema.enum.optional(['evolution', 'simulator'] as const),
  EVOLUTION_API_URL: Env.schema.string.optional({ format: 'url', tld: false }),
  EVOLUTION_API_KEY: Env.schema.string.optional(),
  WHATSAPP_WEBHOOK_URL: Env.schema.string.optional({ format: 'url', tld: false }),

  /*
  |----------------------------------------------------------
  | AI agent and job queue
  |----------------------------------------------------------
  */
  AGENT_CONCURRENCY: Env.schema.number.optional(),
  QUEUE_WORKERS: Env.schema.enum.optional(['inline', 'off'] as const),
  /**
   * The worker role (`queue:work`) serves /health/live and /health/ready on
   * this port when set.
   */
  WORKER_HEALTH_PORT: Env.schema.number.optional(),

  /*
  |----------------------------------------------------------
  | Running several replicas
  |----------------------------------------------------------
  */
  /**
   * Redis carries live events (Transmit) between app replicas.
   */
  REDIS_URL: Env.schema.string.optional(),
  /**
   * On SIGTERM, how long readiness answers 503 before the server stops
   * accepting connections (so the proxy stops routing here first).
   */
  SHUTDOWN_DRAIN_SECONDS: Env.schema.number.optional(),

  /*
  |----------------------------------------------------------
  | Secrets from files (Docker secrets); read above
  |----------------------------------------------------------
  */
  ...Object.fromEntries(
    SECRET_FILE_VARIABLES.map((name) => [`${name}_FILE`, Env.schema.string.optional()])
  ),
})
