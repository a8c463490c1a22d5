/*
|--------------------------------------------------------------------------
| HTTP server entrypoint
|--------------------------------------------------------------------------
*/
import 'reflect-metadata'
import { Ignitor, prettyPrintError } from '@adonisjs/core'

const APP_ROOT = new URL('../', import.meta.url)

const IMPORTER = (filePath: string) => {
  if (filePath.startsWith('./') || filePath.startsWith('../')) {
    return import(new URL(filePath, APP_ROOT).href)
  }
  return import(filePath)
}

new Ignitor(APP_ROOT, { importer: IMPORTER })
  .tap((app) => {
    app.booting(async () => {
      await import('#start/env')
    })
    /**
     * Stop gracefully (see AppLifecycle): readiness fails first, for
     * SHUTDOWN_DRAIN_SECONDS (default 3 in production), then connections
     * and jobs wind down.
     */
    const stop = async () => {
      const { default: env } = await import('#start/env')
      const { AppLifecycle } = await import('#services/app_lifecycle')
      const lifecycle = await app.container.make(AppLifecycle)
      await lifecycle.stop({
        drainSeconds: env.get('SHUTDOWN_DRAIN_SECONDS', app.inProduction ? 3 : 0),
        terminate: () => app.terminate(),
      })
    }
    app.listen('SIGTERM', stop)
    app.listen('SIGINT', stop)
  })
  .httpServer()
  .start()
  .catch((error) => {
    process.exitCode = 1
    prettyPrintError(error)
  })
