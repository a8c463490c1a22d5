import { BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * The worker role: runs the agent's jobs until stopped (SIGTERM/SIGINT
 * finish the jobs in progress, or hand them back to the queue).
 */
export default class QueueWork extends BaseCommand {
  static commandName = 'queue:work'
  static description = 'Run background jobs (the AI agent replies) until stopped'
  static options: CommandOptions = { startApp: true, staysAlive: true }

  async run() {
    const { startWorkers } = await import('#jobs/agent_reply_worker')
    await startWorkers(this.app)
    this.logger.info('Worker started: answering conversations. Stop with Ctrl+C or SIGTERM.')
    this.app.terminating(() => this.logger.info('Worker stopping…'))
  }
}
