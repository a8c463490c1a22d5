/*
|--------------------------------------------------------------------------
| Ace entry point
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
     * A signal ends the command: the app shuts down, then the process
     * exits (`node ace serve` would otherwise keep watching files, with
     * its server gone, after Ctrl+C or a SIGTERM).
     */
    const stop = async () => {
      await app.terminate()
      process.exit(process.exitCode ?? 0)
    }
    app.listen('SIGTERM', stop)
    app.listen('SIGINT', stop)
  })
  .ace()
  .handle(process.argv.splice(2))
  .catch((error) => {
    process.exitCode = 1
    prettyPrintError(error)
  })
