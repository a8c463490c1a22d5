import type { ApplicationService } from '@adonisjs/core/types'
import logger from '@adonisjs/core/services/logger'
import agentConfig from '#config/agent'
import { AGENT_REPLY_QUEUE, JobQueue, type AgentReplyJob } from '#services/queue/job_queue'

/**
 * Starts this process's workers: the agent answering conversations.
 * The web process runs them unless QUEUE_WORKERS=off; `node ace
 * queue:work` runs them on their own (the production worker role).
 */
export async function startWorkers(app: ApplicationService) {
  const queue = await app.container.make(JobQueue)
  const { default: AnswerConversation } = await import('#actions/agent/answer_conversation')

  await queue.work<AgentReplyJob>(
    AGENT_REPLY_QUEUE,
    agentConfig.workerConcurrency,
    async (data) => {
      try {
        const answer = await app.container.make(AnswerConversation)
        const result = await answer.handle(data.conversationId, { source: 'whatsapp' })
        logger.debug({ conversationId: data.conversationId, result: result.kind }, 'agent job done')
      } catch (error) {
        logger.error(
          { err: error, conversationId: data.conversationId },
          'agent job failed; it will be retried'
        )
        throw error
      }
    }
  )
}
