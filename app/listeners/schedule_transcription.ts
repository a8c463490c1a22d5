import { inject } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import Business from '#models/business'
import { JobQueue } from '#services/queue/job_queue'
import type { EventsList } from '@adonisjs/core/types'

/**
 * A voice note or audio was stored (the customer's, or the owner's from
 * the phone): transcribe it. One whose file is still being fetched is
 * scheduled again by the media job once the file is here. A job that
 * cannot be scheduled is bounded by the turn's wait: the reply goes out
 * with the audio "unheard".
 */
@inject()
export default class ScheduleTranscription {
  constructor(private queue: JobQueue) {}

  async handle(event: EventsList['whatsapp:message_stored']) {
    if (event.type !== 'audio') return
    try {
      await Business.reference(event.businessId)
        .related('messages')
        .query()
        .where('id', event.messageId)
        .whereNull('transcript_status')
        .update({ transcriptStatus: 'pending' })
      await this.queue.scheduleTranscription(event.messageId)
    } catch (error) {
      logger.error({ err: error, messageId: event.messageId }, 'could not schedule a transcription')
    }
  }
}
