import { BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * The worker role: runs the agent's jobs until stopped (SIGTERM/SIGINT
 * finish the jobs in progress, or hand them back to the queue). With
 * WORKER_HEALTH_PORT it serves /health/live and /health/ready there.
 */
export default class QueueWork extends BaseCommand {
  static commandName = 'queue:work'
  static description = 'Run background jobs (the AI agent replies) until stopped'
  static options: CommandOptions = { startApp: true, staysAlive: true }

  async run() {
    const { default: env } = await import('#start/env')
    const { startWorkers } = await import('#jobs/workers')
    await startWorkers(this.app)

    const healthPort = env.get('WORKER_HEALTH_PORT')
    if (healthPort) {
      const { startHealthServer } = await import('#services/health/health_server')
      const health = await startHealthServer(healthPort)
      this.app.terminating(() => health.close())
    }

    const { default: logger } = await import('@adonisjs/core/services/logger')
    logger.info({ healthPort }, 'worker started: answering conversations (stop with SIGTERM)')
    this.app.terminating(() => logger.info('worker stopping: finishing the turns in progress'))
  }
}
