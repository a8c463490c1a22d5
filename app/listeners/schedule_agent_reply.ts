import { inject } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import Business from '#models/business'
import { JobQueue } from '#services/queue/job_queue'
import type { EventsList } from '@adonisjs/core/types'

/**
 * A customer wrote: the agent will answer once the conversation is quiet.
 * The job is durable (PostgreSQL): nothing is lost if the process stops.
 */
@inject()
export default class ScheduleAgentReply {
  constructor(private queue: JobQueue) {}

  async handle(event: EventsList['whatsapp:message_stored']) {
    if (event.direction !== 'inbound' || event.author !== 'customer') return
    const business = event.business ?? (await Business.find(event.businessId))
    if (!business || !business.botEnabled) return
    try {
      await this.queue.scheduleReply(event.conversationId, business.replyDelaySeconds)
    } catch (error) {
      logger.error(
        { err: error, conversationId: event.conversationId },
        'could not schedule the agent reply'
      )
    }
  }
}
