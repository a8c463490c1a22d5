import type { Server as NodeServer } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'

/**
 * How this process stops (SIGTERM from Docker Swarm, Ctrl+C in
 * development), in order:
 *
 * 1. readiness answers 503 (`draining`), so the proxy stops sending new
 *    requests here, for `drainSeconds`;
 * 2. the HTTP server stops accepting connections; requests in flight
 *    finish; live event streams are ended (browsers reconnect to another
 *    replica); whatever is still open after `graceMs` is cut;
 * 3. the providers shut down: job workers finish their turns or hand them
 *    back to the queue, then the database and Redis connections close.
 */
export class AppLifecycle {
  #draining = false
  #stopping: Promise<void> | null = null

  get draining() {
    return this.#draining
  }

  /**
   * Runs the stop sequence once, however many signals arrive.
   */
  stop(options: { drainSeconds: number; terminate: () => Promise<void> }) {
    this.#stopping ??= (async () => {
      this.#draining = true
      if (options.drainSeconds > 0) await sleep(options.drainSeconds * 1000)
      await options.terminate()
    })()
    return this.#stopping
  }

  /**
   * Step 2: stop accepting, let requests finish, end the streams that never
   * finish on their own.
   */
  async closeHttpServer(server: NodeServer, endStreams: () => void, graceMs: number) {
    this.#draining = true
    if (!server.listening) return
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    endStreams()
    server.closeIdleConnections()
    const cut = setTimeout(() => server.closeAllConnections(), graceMs)
    cut.unref()
    await closed
    clearTimeout(cut)
  }
}
