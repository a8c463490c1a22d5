import env from '#start/env'
import { defineConfig } from '@adonisjs/transmit'
import { RedisTransport } from '@boringnode/bus/transports/redis'
import { LoggedRedis, redisConnectionOptions } from '#services/redis_connection'

const redisUrl = env.get('REDIS_URL')

/**
 * Server-sent events to the web app (live inbox, QR codes, statuses).
 * With REDIS_URL, an event broadcast on one app replica reaches the
 * browsers connected to every other replica.
 */
export default defineConfig({
  /**
   * Keeps idle streams open through proxies and load balancers.
   */
  pingInterval: '25s',
  transport: redisUrl
    ? {
        driver: () =>
          new RedisTransport(new LoggedRedis(redisConnectionOptions(redisUrl), 'live events')),
      }
    : null,
})
