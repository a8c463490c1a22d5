import type { ApplicationService } from '@adonisjs/core/types'
import { JobQueue } from '#services/queue/job_queue'

/**
 * The job queue (pg-boss) and, in the web process unless QUEUE_WORKERS=off,
 * its workers. Stopping the app hands unfinished jobs back to the queue.
 */
export default class QueueProvider {
  constructor(protected app: ApplicationService) {}

  register() {
    this.app.container.singleton(JobQueue, () => new JobQueue())
  }

  /**
   * The web server starts the queue with the app (the first customer
   * message does not wait for it), and its workers unless QUEUE_WORKERS=off.
   */
  async ready() {
    if (this.app.getEnvironment() !== 'web' || this.app.getMode() === 'warmup') return
    const queue = await this.app.container.make(JobQueue)
    await queue.start()
    const { default: env } = await import('#start/env')
    if (env.get('QUEUE_WORKERS', 'inline') === 'off') return
    const { startWorkers } = await import('#jobs/workers')
    await startWorkers(this.app)
  }

  async shutdown() {
    const queue = await this.app.container.make(JobQueue)
    await queue.stop()
  }
}
