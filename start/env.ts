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
import { Env } from '@adonisjs/core/env'

export default await Env.create(new URL('../', import.meta.url), {
  NODE_ENV: Env.schema.enum(['development', 'production', 'test'] as const),
  PORT: Env.schema.number(),
  HOST: Env.schema.string({ format: 'host' }),
  APP_KEY: Env.schema.secret(),
  APP_URL: Env.schema.string({ format: 'url', tld: false }),
  APP_NAME: Env.schema.string.optional(),
  LOG_LEVEL: Env.schema.string.optional(),
  TRUST_PROXY: Env.schema.boolean.optional(),

  /*
  |----------------------------------------------------------
  | Database: a PostgreSQL URL, or nothing for the embedded
  | database (one machine, trying the product only).
  |----------------------------------------------------------
  */
  DATABASE_URL: Env.schema.string.optional(),
  DB_POOL_MAX: Env.schema.number.optional(),
  EMBEDDED_DB_DIR: Env.schema.string.optional(),

  /*
  |----------------------------------------------------------
  | Session
  |----------------------------------------------------------
  */
  SESSION_DRIVER: Env.schema.enum(['cookie', 'memory'] as const),

  /*
  |----------------------------------------------------------
  | AI provider
  |----------------------------------------------------------
  */
  OPENAI_BASE_URL: Env.schema.string.optional({ format: 'url', tld: false }),

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
})
