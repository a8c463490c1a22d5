import type { ApplicationService } from '@adonisjs/core/types'
import { EmbeddedDatabase } from '#services/embedded_database'

/**
 * Starts the embedded PostgreSQL when DATABASE_URL is not set, points the
 * Lucid connection at it, and (for the web server) runs migrations and
 * seeds a demo account on an empty database.
 */
export default class EmbeddedDatabaseProvider {
  #database?: EmbeddedDatabase

  constructor(protected app: ApplicationService) {}

  async start() {
    const { embeddedDatabase } = await import('#config/database')

    /**
     * "warmup" apps (codegen, type generation) load routes but never query.
     */
    if (!embeddedDatabase || this.app.getMode() === 'warmup') {
      return
    }

    if (this.app.inProduction) {
      throw new Error(
        'DATABASE_URL is required in production. The embedded database is only for trying Atiende on one machine.'
      )
    }

    this.#database = new EmbeddedDatabase(embeddedDatabase.dataDir)
    const { host, port } = await this.#database.start()

    const connection = this.app.config.get<{ host: string; port: number }>(
      'database.connections.postgres.connection'
    )
    connection.host = host
    connection.port = port

    if (this.app.getEnvironment() === 'web') {
      const { prepareEmbeddedDatabase } = await import('#database/embedded_setup')
      await prepareEmbeddedDatabase(this.app, embeddedDatabase.dataDir)
    }
  }

  async shutdown() {
    await this.#database?.stop()
  }
}
