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
  TRANSCRIPT_QUEUE,
  TRANSCRIPT_RETRY_LIMIT,
  type TranscriptJob,
  type OutboundDeliveryJob,
} from '#services/queue/job_queue'

/**
 * Deliveries of queued messages one worker process runs at once (each is
 * quick: a few gateway calls).
 */
const OUTBOUND_CONCURRENCY = 4

/**
 * A turn that finds the conversation busy looks again this much later.
 */
const BUSY_RETRY_SECONDS = 3

/**
 * How often the sweeper looks for customer messages nobody scheduled a
 * reply for.
 */
const SWEEP_MS = 30_000

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
    async (data, job) => {
      try {
        const answer = await app.container.make(AnswerConversation)
        const result = await answer.handle(data.conversationId, {
          source: 'whatsapp',
          signal: job.signal,
        })
        /**
         * Another turn of the conversation is still working: this one
         * comes back once it is done.
         */
        if (result.kind === 'busy') {
          await queue.scheduleReply(data.conversationId, BUSY_RETRY_SECONDS)
        }
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

  await queue.work<TranscriptJob>(TRANSCRIPT_QUEUE, 2, async (data, job) => {
    const { default: TranscribeMessage } = await import('#actions/agent/transcribe_message')
    const transcribe = await app.container.make(TranscribeMessage)
    await transcribe.handle(data.messageId, {
      lastAttempt: job.retryCount >= TRANSCRIPT_RETRY_LIMIT,
    })
  })

  await queue.work<MediaFetchJob>(MEDIA_QUEUE, 2, async (data, job) => {
    const { default: FetchMessageMedia } = await import('#actions/whatsapp/fetch_message_media')
    const fetchMedia = await app.container.make(FetchMessageMedia)
    await fetchMedia.handle(data.messageId, { lastAttempt: job.retryCount >= MEDIA_RETRY_LIMIT })
  })

  const { default: SweepUnanswered } = await import('#actions/agent/sweep_unanswered')
  const sweeper = await app.container.make(SweepUnanswered)
  /**
   * Tests sweep when they mean to (a sweep behind their backs would answer
   * the messages they store to look at).
   */
  if (!app.inTest) {
    const sweep = setInterval(() => {
      sweeper.handle().catch((error) => logger.error({ err: error }, 'reply sweep failed'))
    }, SWEEP_MS)
    sweep.unref()
    app.terminating(() => clearInterval(sweep))
  }

  await queue.work<OutboundDeliveryJob>(OUTBOUND_QUEUE, OUTBOUND_CONCURRENCY, async (data, job) => {
    const deliver = await app.container.make(DeliverQueuedMessages)
    await deliver.handle(data.conversationId, {
      lastAttempt: job.retryCount >= OUTBOUND_RETRY_LIMIT,
    })
  })
}
