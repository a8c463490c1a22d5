import { inject } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import db from '@adonisjs/lucid/services/db'
import agentConfig from '#config/agent'
import Business from '#models/business'
import Message from '#models/message'
import MessageTransformer from '#transformers/message_transformer'
import { BusinessEvents } from '#services/business_events'
import MediaStorage from '#services/media_storage'
import { JobQueue } from '#services/queue/job_queue'
import { Transcriber, transcriptionCost } from '#services/agent/transcriber'
import { ModelKeyRejectedError, ModelUnavailableError } from '#services/agent/agent_errors'

export type TranscriptOutcome = 'done' | 'failed' | 'too_long' | 'off' | 'waiting' | 'skipped'

/**
 * Opus voice notes are about 16 kbit/s: the length of one WhatsApp did not
 * give, from its size.
 */
const OPUS_BYTES_PER_SECOND = 2_000

/**
 * A voice note (or any audio) becomes words: transcribed with the
 * business's key, kept on the message with its length and cost, shown in
 * the inbox, read by the model. A provider that keeps failing marks it
 * failed ("unheard": the business's choice applies). Then the
 * conversation's reply is looked at again: a turn waits for the
 * transcripts of its burst.
 */
@inject()
export default class TranscribeMessage {
  constructor(
    private transcriber: Transcriber,
    private storage: MediaStorage,
    private events: BusinessEvents,
    private queue: JobQueue
  ) {}

  /**
   * Whether a stored message is one to transcribe (called as it is
   * stored; the file may still be on its way).
   */
  static wants(message: Pick<Message, 'type' | 'deletedAt' | 'transcriptStatus'>) {
    return message.type === 'audio' && !message.deletedAt && message.transcriptStatus !== 'done'
  }

  async handle(messageId: string, options: { lastAttempt: boolean }): Promise<TranscriptOutcome> {
    const message = await Message.find(messageId) // tenancy: root (a message id from our own queue)
    if (!message || !TranscribeMessage.wants(message)) return 'skipped'
    /**
     * The file is not here yet: the media job schedules this again once
     * it is (or leaves the audio unavailable, which is "unheard").
     */
    if (!message.mediaKey) return 'waiting'
    const business = await Business.findOrFail(message.businessId)

    if (!business.understandMedia || !business.hasOpenaiKey) {
      return this.#finish(business, message, { transcriptStatus: 'off' })
    }
    const bytes = await this.storage.read(message.mediaKey)
    const givenSeconds = Number(message.meta?.seconds)
    const knownSeconds = Number.isFinite(givenSeconds) && givenSeconds > 0 ? givenSeconds : null
    const seconds = knownSeconds ?? Math.ceil(bytes.byteLength / OPUS_BYTES_PER_SECOND)
    if (
      seconds > agentConfig.transcription.maxAudioSeconds ||
      bytes.byteLength > agentConfig.transcription.maxBytes
    ) {
      return this.#finish(business, message, {
        transcriptStatus: 'too_long',
        transcriptSeconds: seconds,
      })
    }

    try {
      const transcript = await this.transcriber.transcribe(business, {
        bytes,
        mimetype: message.mediaMime ?? 'audio/ogg',
        fileName: message.mediaName ?? `${message.id}.${extensionOf(message.mediaMime)}`,
      })
      const billed = Math.max(1, Math.round(knownSeconds ?? transcript.seconds ?? seconds))
      return await this.#finish(business, message, {
        transcriptStatus: 'done',
        transcript: transcript.text.slice(0, 20_000),
        transcriptSeconds: billed,
        transcriptCostUsd: transcriptionCost(business.transcriptionModel, billed),
      })
    } catch (error) {
      /**
       * The provider said no, or kept failing through the transcriber's
       * retries: unheard. Anything else (storage, the database) is the
       * queue's to retry.
       */
      const provider =
        error instanceof ModelKeyRejectedError || error instanceof ModelUnavailableError
      if (!provider && !options.lastAttempt) throw error
      logger.warn({ err: error, messageId }, 'a voice note could not be transcribed')
      return this.#finish(business, message, { transcriptStatus: 'failed' })
    }
  }

  /**
   * Writes the outcome unless the message was deleted meanwhile (a
   * deleted voice note keeps no words), tells open inboxes, and looks at
   * the conversation's reply again.
   */
  async #finish(
    business: Business,
    message: Message,
    changes: Partial<
      Pick<Message, 'transcript' | 'transcriptStatus' | 'transcriptSeconds' | 'transcriptCostUsd'>
    >
  ): Promise<TranscriptOutcome> {
    const updated = await db.transaction(async (trx) => {
      const locked = await Business.reference(business.id, trx)
        .related('messages')
        .query()
        .where('id', message.id)
        .whereNull('deleted_at')
        .forUpdate()
        .first()
      if (!locked) return null
      locked.merge(changes)
      await locked.save()
      return locked
    })
    if (!updated) return 'skipped'
    this.events.broadcast(updated.businessId, {
      type: 'message.updated',
      conversationId: updated.conversationId,
      message: new MessageTransformer(updated).toObject(),
    })
    if (business.botEnabled && updated.author === 'customer' && !updated.agentHandledAt) {
      /**
       * Brings a waiting turn forward (its look-again is seconds away).
       */
      await this.queue.replyNow(updated.conversationId)
    }
    return updated.transcriptStatus as TranscriptOutcome
  }
}

function extensionOf(mimetype: string | null) {
  const base = (mimetype ?? '').split(';')[0].trim()
  const known: Record<string, string> = {
    'audio/ogg': 'ogg',
    'audio/mpeg': 'mp3',
    'audio/mp4': 'm4a',
    'audio/aac': 'm4a',
    'audio/wav': 'wav',
    'audio/webm': 'webm',
    'audio/x-m4a': 'm4a',
    'audio/flac': 'flac',
  }
  return known[base] ?? 'ogg'
}
