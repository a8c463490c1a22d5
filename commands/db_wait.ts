import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * Waits until PostgreSQL answers. The image's migrate role runs it first:
 * on a first deploy Swarm starts the job while the database may still be
 * pulling its image or initializing, and a job that failed every attempt
 * would stop the deploy.
 */
export default class DbWait extends BaseCommand {
  static commandName = 'db:wait'
  static description = 'Wait until the database answers (exit 1 after --timeout seconds)'
  static options: CommandOptions = { startApp: true }

  @flags.number({ description: 'Seconds to wait at most', default: 180 })
  declare timeout: number

  @flags.number({ description: 'Seconds between attempts', default: 2 })
  declare interval: number

  async run() {
    const { default: db } = await import('@adonisjs/lucid/services/db')
    const deadline = Date.now() + this.timeout * 1000
    let lastError = ''
    for (let attempt = 1; ; attempt++) {
      try {
        await db.rawQuery('SELECT 1')
        if (attempt > 1) this.logger.info('the database answers')
        return
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error)
        if (message !== lastError) {
          this.logger.warning(`waiting for the database (attempt ${attempt}): ${message}`)
          lastError = message
        }
      }
      if (Date.now() + this.interval * 1000 > deadline) break
      await new Promise((resolve) => setTimeout(resolve, this.interval * 1000))
    }
    this.logger.error(`the database did not answer within ${this.timeout} s`)
    this.exitCode = 1
  }
}
