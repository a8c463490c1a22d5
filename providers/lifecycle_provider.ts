import type { ApplicationService } from '@adonisjs/core/types'
import { AppLifecycle } from '#services/app_lifecycle'

/**
 * How long requests in flight may take to finish once the server stops
 * accepting connections.
 */
const REQUEST_GRACE_MS = 10_000

/**
 * The process's lifecycle (see AppLifecycle): one instance, and for the web
 * server the graceful close of HTTP connections and live event streams.
 */
export default class LifecycleProvider {
  constructor(protected app: ApplicationService) {}

  register() {
    this.app.container.singleton(AppLifecycle, () => new AppLifecycle())
  }

  /**
   * Registered after the HTTP server's own close hook, so it runs before it
   * (terminating hooks run last to first).
   */
  async ready() {
    if (this.app.getEnvironment() !== 'web' || this.app.getMode() === 'warmup') return
    const lifecycle = await this.app.container.make(AppLifecycle)
    const server = await this.app.container.make('server')
    const transmit = await this.app.container.make('transmit')

    this.app.terminating(async () => {
      const nodeServer = server.getNodeServer()
      if (!nodeServer) return
      await lifecycle.closeHttpServer(
        nodeServer,
        () => {
          for (const [stream] of transmit.getManager().getAllSubscribers()) stream.end()
        },
        REQUEST_GRACE_MS
      )
    })
  }
}
