import type { ApplicationService } from '@adonisjs/core/types'
import logger from '@adonisjs/core/services/logger'
import agentConfig from '#config/agent'
import {
  AGENT_REPLY_QUEUE,
  AMENDMENT_QUEUE,
  type AmendmentCheckJob,
  JobQueue,
  MEDIA_QUEUE,
  MEDIA_RETRY_LIMIT,
  type MediaFetchJob,
  OUTBOUND_QUEUE,
  OUTBOUND_RETRY_LIMIT,
  type AgentReplyJob,
  type OutboundDeliveryJob,
} from '#services/queue/job_queue'

/**
 * Deliveries of queued messages one worker process runs at once (each is
 * quick: a few gateway calls).
 */
const OUTBOUND_CONCURRENCY = 4

/**
 * Starts this process's workers: the agent answering conversations, the
 * outbound queue sending what waited for the gateway, files fetched from
 * it and amendments waiting for their message. The web process
 * runs them unless QUEUE_WORKERS=off; `node ace queue:work` runs them on
 * their own (the production worker role).
 */
export async function startWorkers(app: ApplicationService) {
  const queue = await app.container.make(JobQueue)
  const { default: AnswerConversation } = await import('#actions/agent/answer_conversation')
  const { default: DeliverQueuedMessages } =
    await import('#actions/whatsapp/deliver_queued_messages')

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

  await queue.work<AmendmentCheckJob>(AMENDMENT_QUEUE, 1, async (data) => {
    const { default: AmendMessages } = await import('#actions/whatsapp/amend_messages')
    const amend = await app.container.make(AmendMessages)
    await amend.apply(data.businessId, data.targetGatewayId)
  })

  await queue.work<MediaFetchJob>(MEDIA_QUEUE, 2, async (data, job) => {
    const { default: FetchMessageMedia } = await import('#actions/whatsapp/fetch_message_media')
    const fetchMedia = await app.container.make(FetchMessageMedia)
    await fetchMedia.handle(data.messageId, { lastAttempt: job.retryCount >= MEDIA_RETRY_LIMIT })
  })

  await queue.work<OutboundDeliveryJob>(OUTBOUND_QUEUE, OUTBOUND_CONCURRENCY, async (data, job) => {
    const deliver = await app.container.make(DeliverQueuedMessages)
    await deliver.handle(data.conversationId, {
      lastAttempt: job.retryCount >= OUTBOUND_RETRY_LIMIT,
    })
  })
}
