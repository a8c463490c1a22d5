import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig } from '@adonisjs/lucid'

/**
 * The PostgreSQL server's URL, with DB_PASSWORD (a Docker secret) put in
 * when the URL leaves the password out. Null for the embedded database.
 */
export const databaseUrl = withPassword(env.get('DATABASE_URL'), env.get('DB_PASSWORD'))

export function withPassword(url: string | undefined, password: string | undefined) {
  if (!url || !password) return url || null
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new Error('DATABASE_URL is not a valid URL (postgres://user@host:5432/database).')
  }
  parsed.password = encodeURIComponent(password)
  return parsed.toString()
}

/**
 * Without DATABASE_URL the app runs on an embedded PostgreSQL (PGlite)
 * that EmbeddedDatabaseProvider starts on 127.0.0.1 and whose port it
 * writes into this config before the first query.
 */
export const embeddedDatabase = databaseUrl
  ? null
  : { dataDir: env.get('EMBEDDED_DB_DIR') || app.makePath('storage/pglite') }

const dbConfig = defineConfig({
  connection: 'postgres',
  connections: {
    postgres: {
      client: 'pg',
      connection: databaseUrl
        ? { connectionString: databaseUrl }
        : { host: '127.0.0.1', port: 0, user: 'postgres', database: 'postgres' },
      /**
       * PGlite serializes connections: one pooled connection avoids a
       * second connection waiting forever behind an open transaction. It is
       * kept open: PGlite serves every connection from one session, so a
       * reconnect would find the old connection's session state.
       */
      pool: databaseUrl
        ? { min: 0, max: env.get('DB_POOL_MAX', 10) }
        : { min: 1, max: 1, idleTimeoutMillis: 2 ** 31 - 1 },
      migrations: {
        naturalSort: true,
        paths: ['database/migrations'],
      },
      schemaGeneration: {
        rulesPaths: ['#database/schema_rules'],
      },
    },
  },
})

export default dbConfig
