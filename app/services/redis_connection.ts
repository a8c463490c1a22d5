import logger from '@adonisjs/core/services/logger'
import { Redis, type RedisOptions } from 'ioredis'

/**
 * ioredis options from a `redis://[user:password@]host:port[/db]` URL
 * (`rediss://` for TLS), with a clear error for anything else.
 */
export function redisConnectionOptions(url: string): RedisOptions {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new Error(`REDIS_URL is not a valid URL: use redis://host:6379`)
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new Error(`REDIS_URL must start with redis:// or rediss://`)
  }
  const db = parsed.pathname.replace(/^\//, '')
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 6379,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: db ? Number(db) : undefined,
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
    /**
     * Keeps trying while Redis restarts; live events resume by themselves.
     */
    retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
  }
}

/**
 * How often one connection may log that Redis is unreachable.
 */
const ERROR_LOG_INTERVAL_MS = 30_000

/**
 * A Redis connection whose errors go to the app's log (rate limited), as
 * do those of its duplicates (a transport duplicates it for publishing and
 * subscribing). Connects on first use.
 */
export class LoggedRedis extends Redis {
  #lastErrorAt = 0

  constructor(
    options: RedisOptions,
    private purpose: string
  ) {
    super({ ...options, lazyConnect: true })
    this.on('error', (error: Error) => {
      const now = Date.now()
      if (now - this.#lastErrorAt < ERROR_LOG_INTERVAL_MS) return
      this.#lastErrorAt = now
      logger.warn({ err: error, purpose: this.purpose }, 'Redis is unreachable; retrying')
    })
    this.on('ready', () => {
      if (this.#lastErrorAt === 0) return
      this.#lastErrorAt = 0
      logger.info({ purpose: this.purpose }, 'Redis is reachable again')
    })
  }

  duplicate(override?: Partial<RedisOptions>) {
    return new LoggedRedis({ ...this.options, ...override }, this.purpose)
  }
}
