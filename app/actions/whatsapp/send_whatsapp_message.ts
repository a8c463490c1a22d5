import { inject } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import type Business from '#models/business'
import type Conversation from '#models/conversation'
import Contact from '#models/contact'
import Message, { type MessageAuthor } from '#models/message'
import WhatsappInstance from '#models/whatsapp_instance'
import UserError from '#exceptions/user_error'
import { BusinessEvents } from '#services/business_events'
import { serialize } from '#services/serializer'
import MessageTransformer from '#transformers/message_transformer'
import { WhatsAppGateway, type MediaKind } from '#services/whatsapp/whatsapp_gateway'
import {
  GatewayOutcomeUnknownError,
  GatewayRejectedError,
  GatewayUnavailableError,
} from '#services/whatsapp/gateway_errors'
import MediaStorage from '#services/media_storage'
import { publicUrl } from '#services/public_url'
import { JobQueue } from '#services/queue/job_queue'
import { whatsappDigitsOrFail } from '#services/whatsapp/phone_numbers'
import { findOrCreateConversationWithPhone } from '#actions/whatsapp/conversations'
import BotControl from '#actions/conversations/bot_control'

/**
 * A file to send with a message: one we store (its key), or a URL the
 * gateway downloads itself.
 */
export type OutboundMedia = { kind: MediaKind; mimetype: string; fileName: string } & (
  { key: string } | { url: string }
)

export type SendWhatsappMessageParams = {
  business: Business
  /**
   * Either an existing conversation, or a phone number to write to (as a
   * person types it, read with the business's country; the contact it
   * already is, whatever form their phone is stored in).
   */
  conversation?: Conversation
  phone?: string
  text: string
  media?: OutboundMedia
  author: Exclude<MessageAuthor, 'customer'>
  userId?: string | null
  agentRunId?: string | null
}

/**
 * Logs an outbound message, sends it through the gateway and records the
 * outcome: the gateway's id and "sent"; "queued" while the gateway is down
 * (the outbound queue sends it, in order, once it is back); or "failed" with
 * the reason (the message stays in the log either way, so a person can
 * retry).
 */
@inject()
export default class SendWhatsappMessage {
  constructor(
    private gateway: WhatsAppGateway,
    private events: BusinessEvents,
    private botControl: BotControl,
    private storage: MediaStorage,
    private queue: JobQueue
  ) {}

  async handle(params: SendWhatsappMessageParams): Promise<Message> {
    const { business } = params
    const instance = await WhatsappInstance.findBy('business_id', business.id)
    if (!instance || !instance.isPaired()) {
      throw new UserError('whatsapp.errors.not_connected', { status: 409 })
    }

    let takenOver: Conversation | null = null
    const message = await db.transaction(async (trx) => {
      let conversation = params.conversation
      if (!conversation) {
        conversation = await findOrCreateConversationWithPhone(trx, {
          businessId: business.id,
          phone: whatsappDigitsOrFail(params.phone ?? '', business.country),
        })
      }

      const created = await Message.create(
        {
          businessId: business.id,
          conversationId: conversation.id,
          direction: 'outbound',
          author: params.author,
          type: params.media
            ? params.media.kind === 'audio'
              ? 'audio'
              : params.media.kind
            : 'text',
          body: params.text || null,
          mediaKey: params.media && 'key' in params.media ? params.media.key : null,
          mediaMime: params.media?.mimetype ?? null,
          mediaName: params.media?.fileName ?? null,
          meta: params.media && 'url' in params.media ? { mediaUrl: params.media.url } : null,
          status: 'pending',
          sentByUserId: params.userId ?? null,
          agentRunId: params.agentRunId ?? null,
          sentAt: DateTime.now(),
        },
        { client: trx }
      )

      conversation.useTransaction(trx)
      conversation.noteLastMessage({
        at: created.sentAt,
        text: params.text || `[${created.type}]`,
        direction: 'outbound',
      })
      await conversation.save()

      /**
       * A person writing is a takeover: the bot steps aside here.
       */
      if (params.author === 'human') {
        await this.botControl.takeOver(business, conversation, trx)
        takenOver = conversation
      }
      return created
    })

    if (takenOver) {
      this.botControl.changed(takenOver)
    }

    await this.#broadcast(business.id, message, 'message.created')
    return this.deliver(instance, message)
  }

  /**
   * Sends a logged message: a first attempt, a retry of a failed one, or
   * (`fromQueue`) the outbound queue's turn. Messages of a conversation go
   * out in order: while earlier ones wait for the gateway, this one waits
   * behind them. From the queue, a gateway still down throws, so the job is
   * tried again later.
   */
  async deliver(
    instance: WhatsappInstance,
    message: Message,
    options: { fromQueue?: boolean } = {}
  ): Promise<Message> {
    const [waiting, contact] = await Promise.all([
      options.fromQueue ? false : this.#waitingBehindQueued(message),
      Contact.ofConversation(message.conversationId),
    ])
    if (waiting) {
      return this.#enqueue(message)
    }

    try {
      const media = await this.#media(message)
      const sent = media
        ? await this.gateway.sendMedia(instance.credentials(), contact.waJid, {
            ...media,
            caption: message.body ?? undefined,
          })
        : await this.gateway.sendText(instance.credentials(), contact.waJid, message.body ?? '')
      await this.#recordSent(message, sent.id)
    } catch (error) {
      if (!(error instanceof GatewayRejectedError || error instanceof GatewayUnavailableError)) {
        throw error
      }
      logger.warn(
        { businessId: message.businessId, messageId: message.id },
        'whatsapp send failed: %s',
        error.message
      )
      /**
       * Down (unreachable, 5xx, its WhatsApp connection closed or
       * reconnecting): it certainly did not go out, so it waits for the
       * gateway. A timeout may have sent it: a person decides.
       */
      if (
        error instanceof GatewayUnavailableError &&
        !(error instanceof GatewayOutcomeUnknownError)
      ) {
        if (options.fromQueue) throw error
        return this.#enqueue(message)
      }
      await this.markFailed(message, failureReason(error))
      return message
    }

    await this.#broadcast(message.businessId, message, 'message.updated')
    return message
  }

  async markFailed(message: Message, reason: string) {
    message.status = 'failed'
    message.error = reason
    await message.save()
    await this.#broadcast(message.businessId, message, 'message.updated')
  }

  async #waitingBehindQueued(message: Message) {
    const queued = await Message.query()
      .where('conversation_id', message.conversationId)
      .where('status', 'queued')
      .whereNot('id', message.id)
      .first()
    return queued !== null
  }

  async #enqueue(message: Message) {
    message.status = 'queued'
    message.error = null
    await message.save()
    await this.queue.scheduleDelivery(message.conversationId)
    await this.#broadcast(message.businessId, message, 'message.updated')
    return message
  }

  /**
   * What the gateway needs to send the message's file: a fresh link to our
   * stored copy, or the URL it was asked to send.
   */
  async #media(message: Message) {
    const kind = MEDIA_KINDS.find((candidate) => candidate === message.type)
    const givenUrl = message.meta?.mediaUrl
    const url = message.mediaKey
      ? publicUrl((await this.storage.urlFor(message.mediaKey))!)
      : typeof givenUrl === 'string'
        ? givenUrl
        : null
    if (!kind || !url) return null
    return {
      kind,
      url,
      mimetype: message.mediaMime ?? 'application/octet-stream',
      fileName: message.mediaName ?? 'file',
    }
  }

  /**
   * The gateway's "send.message" webhook may have arrived before its HTTP
   * answer and logged the message on its own: keep ours, drop that copy.
   */
  async #recordSent(message: Message, gatewayMessageId: string) {
    await db.transaction(async (trx) => {
      const early = await Message.query({ client: trx })
        .where('business_id', message.businessId)
        .where('gateway_message_id', gatewayMessageId)
        .whereNot('id', message.id)
        .forUpdate()
        .first()

      message.useTransaction(trx)
      message.gatewayMessageId = gatewayMessageId
      message.status = early && ['delivered', 'read'].includes(early.status) ? early.status : 'sent'
      message.error = null
      if (early) {
        await early.delete()
      }
      await message.save()
    })
  }

  async #broadcast(
    businessId: string,
    message: Message,
    type: 'message.created' | 'message.updated'
  ) {
    this.events.broadcast(businessId, {
      type,
      conversationId: message.conversationId,
      message: await serialize(MessageTransformer.transform(message)),
    })
  }
}

const MEDIA_KINDS: MediaKind[] = ['image', 'video', 'document', 'audio']

/**
 * messages.error for a send that failed: a code the inbox puts in words.
 */
function failureReason(error: GatewayRejectedError | GatewayUnavailableError) {
  if (error instanceof GatewayUnavailableError) return 'gateway_unavailable'
  if (error.reason === 'not_on_whatsapp') return 'not_on_whatsapp'
  return `rejected: ${error.message}`.slice(0, 500)
}
