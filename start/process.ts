/*
|--------------------------------------------------------------------------
| Process-level safety net
|--------------------------------------------------------------------------
|
| A promise rejected with nobody listening (a query started without
| awaiting, a listener's error) is logged with its stack, never a crash
| of the worker and every turn it holds. Each one found is a defect to fix
| where it started.
*/
import logger from '@adonisjs/core/services/logger'

const listening = Symbol.for('atiende.unhandledRejection')
const processState = process as unknown as Record<symbol, boolean>

if (!processState[listening]) {
  processState[listening] = true
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection')
  })
}
