import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { unaccent } from '@electric-sql/pglite/contrib/unaccent'
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto'

/**
 * An embedded PostgreSQL (PGlite, compiled to WASM) served over the
 * PostgreSQL wire protocol on 127.0.0.1, so Lucid talks to it with the
 * same `pg` driver and the same migrations as a real server.
 *
 * It serializes connections: a second connection that queries while a
 * transaction is open on the first waits for it. The app therefore uses a
 * pool of exactly one connection in this mode.
 */
export class EmbeddedDatabase {
  #db?: PGlite
  #server?: PGLiteSocketServer
  #lockFile?: string

  constructor(
    /**
     * A folder for the data, or `memory://` for a throwaway database.
     */
    private dataDir: string
  ) {}

  get isInMemory() {
    return this.dataDir.startsWith('memory://')
  }

  /**
   * Starts the database and the socket server. Resolves with the TCP port.
   */
  async start(): Promise<{ host: string; port: number }> {
    if (!this.isInMemory) {
      await mkdir(this.dataDir, { recursive: true })
      await this.#acquireLock()
    }

    this.#db = await PGlite.create(this.dataDir, {
      extensions: { pg_trgm, unaccent, pgcrypto },
    })

    /**
     * Port 0 lets the OS pick a free port; several embedded databases
     * (the dev server and a test run) can live side by side.
     */
    this.#server = new PGLiteSocketServer({
      db: this.#db,
      host: '127.0.0.1',
      port: 0,
      maxConnections: 8,
    })
    await this.#server.start()

    /**
     * The listening socket alone must not keep a process alive: an ace
     * command that never queries exits as soon as it is done.
     */
    ;(this.#server as unknown as { server?: { unref(): void } }).server?.unref()

    const address = this.#server.getServerConn()
    const port = Number(address.split(':').pop())
    return { host: '127.0.0.1', port }
  }

  async stop() {
    await this.#server?.stop()
    await this.#db?.close()
    this.#server = undefined
    this.#db = undefined
    if (this.#lockFile) {
      await rm(this.#lockFile, { force: true })
      this.#lockFile = undefined
    }
  }

  /**
   * Two processes writing the same PGlite folder would corrupt it: keep a
   * PID lock and refuse to start while another live process holds it.
   */
  async #acquireLock() {
    const lockFile = join(this.dataDir, 'atiende.pid')
    const holder = await readFile(lockFile, 'utf8').catch(() => null)
    if (holder) {
      const pid = Number(holder.trim())
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new Error(
          `The embedded database in ${this.dataDir} is in use by process ${pid}. ` +
            'Stop that process first, or set DATABASE_URL to use a PostgreSQL server.'
        )
      }
    }
    await writeFile(lockFile, String(process.pid))
    this.#lockFile = lockFile
  }
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
