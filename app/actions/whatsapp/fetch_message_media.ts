import { inject } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import db from '@adonisjs/lucid/services/db'
import Business from '#models/business'
import Message from '#models/message'
import MessageTransformer from '#transformers/message_transformer'
import { BusinessEvents } from '#services/business_events'
import MediaStorage, { MAX_MESSAGE_MEDIA_BYTES } from '#services/media_storage'
import { JobQueue } from '#services/queue/job_queue'
import { WhatsAppGateway } from '#services/whatsapp/whatsapp_gateway'

export type MediaFetchOutcome = 'stored' | 'too_large' | 'unavailable' | 'skipped'

/**
 * The file of a media message the gateway did not inline (too big for the
 * webhook, a failed download, media inside a wrapper), fetched from the
 * gateway with the message as the webhook gave it. A failure is thrown for
 * the queue to retry, until the last attempt marks the file unavailable.
 */
@inject()
export default class FetchMessageMedia {
  constructor(
    private gateway: WhatsAppGateway,
    private storage: MediaStorage,
    private events: BusinessEvents,
    private queue: JobQueue
  ) {}

  async handle(messageId: string, options: { lastAttempt: boolean }): Promise<MediaFetchOutcome> {
    const message = await Message.find(messageId) // tenancy: root (a message id from our own queue)
    if (!message || !this.#waiting(message)) return 'skipped'
    const instance = await Business.reference(message.businessId).whatsapp()

    let bytes: Buffer
    let mimetype: string | null
    try {
      if (!instance) throw new Error('the business has no WhatsApp instance')
      const media = await this.gateway.fetchMedia(instance.credentials(), message.mediaSource!)
      bytes = Buffer.from(media.base64, 'base64')
      mimetype = message.mediaMime ?? media.mimetype
    } catch (error) {
      if (!options.lastAttempt) throw error
      logger.warn({ err: error, messageId }, 'message media could not be fetched; gave up')
      return this.#finish(message, { mediaStatus: 'unavailable' })
    }

    if (bytes.byteLength > MAX_MESSAGE_MEDIA_BYTES) {
      return this.#finish(message, { mediaStatus: 'too_large', mediaSource: null })
    }
    const stored = await this.storage.storeMessageMedia(bytes, {
      businessId: message.businessId,
      gatewayMessageId: message.gatewayMessageId ?? message.id,
      mimetype,
    })
    if (!stored) return this.#finish(message, { mediaStatus: 'too_large', mediaSource: null })
    return this.#finish(
      message,
      {
        mediaStatus: 'ready',
        mediaSource: null,
        mediaKey: stored.key,
        mediaMime: message.mediaMime ?? stored.contentType,
      },
      stored.key
    )
  }

  /**
   * A person asks again for a file shown as unavailable.
   */
  async retry(message: Message) {
    if (message.deletedAt || message.mediaStatus !== 'unavailable' || !message.mediaSource) {
      return false
    }
    message.mediaStatus = 'downloading'
    await message.save()
    await this.queue.scheduleMediaFetch(message.id)
    this.#broadcast(message)
    return true
  }

  #waiting(message: Message) {
    return !message.deletedAt && message.mediaStatus === 'downloading' && !!message.mediaSource
  }

  /**
   * Writes the outcome under the message's row lock: a message deleted for
   * everyone meanwhile keeps nothing (the file just stored is removed).
   */
  async #finish(
    message: Message,
    changes: Partial<Pick<Message, 'mediaStatus' | 'mediaSource' | 'mediaKey' | 'mediaMime'>>,
    storedKey?: string
  ): Promise<MediaFetchOutcome> {
    const updated = await db.transaction(async (trx) => {
      const current = await Business.reference(message.businessId, trx)
        .related('messages')
        .query()
        .where('id', message.id)
        .forUpdate()
        .first()
      if (!current || !this.#waiting(current)) return null
      current.merge(changes)
      await current.save()
      return current
    })
    if (!updated) {
      if (storedKey) await this.storage.delete(storedKey)
      return 'skipped'
    }
    this.#broadcast(updated)
    /**
     * A voice note's file is here: now its words.
     */
    if (updated.type === 'audio' && updated.mediaStatus === 'ready') {
      await this.queue.scheduleTranscription(updated.id)
    }
    return updated.mediaStatus === 'ready' ? 'stored' : (updated.mediaStatus as MediaFetchOutcome)
  }

  #broadcast(message: Message) {
    this.events.broadcast(message.businessId, {
      type: 'message.updated',
      conversationId: message.conversationId,
      message: new MessageTransformer(message).toObject(),
    })
  }
}
