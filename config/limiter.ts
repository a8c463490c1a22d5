import env from '#start/env'
import { embeddedDatabase } from '#config/database'
import { defineConfig, stores } from '@adonisjs/limiter'

const limiterConfig = defineConfig({
  /**
   * The database store keeps counters across processes. The embedded
   * database serves every connection from one PostgreSQL session, where the
   * store's named prepared statements would collide: one process, memory.
   */
  default: env.get('LIMITER_STORE') ?? (embeddedDatabase ? 'memory' : 'database'),
  stores: {
    /**
     * Database store to save rate limiting data inside a
     * MYSQL or PostgreSQL database.
     */
    database: stores.database({
      tableName: 'rate_limits',
    }),

    /**
     * Memory store could be used during
     * testing
     */
    memory: stores.memory({}),
  },
})

export default limiterConfig

declare module '@adonisjs/limiter/types' {
  export interface LimitersList extends InferLimiters<typeof limiterConfig> {}
}
