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
import { GatewayRejectedError, GatewayUnavailableError } from '#services/whatsapp/gateway_errors'
import { normalizePhone, phoneJid } from '#services/whatsapp/jid'
import { findOrCreateConversation } from '#actions/whatsapp/conversations'
import BotControl from '#actions/conversations/bot_control'

export type SendWhatsappMessageParams = {
  business: Business
  /**
   * Either an existing conversation, or a phone number to write to.
   */
  conversation?: Conversation
  phone?: string
  text: string
  media?: { kind: MediaKind; url: string; mimetype: string; fileName: string }
  author: Exclude<MessageAuthor, 'customer'>
  userId?: string | null
  agentRunId?: string | null
}

/**
 * Logs an outbound message, sends it through the gateway and records the
 * outcome: the gateway's id and "sent", or "failed" with the reason (the
 * message stays in the log either way, so a person can retry).
 */
@inject()
export default class SendWhatsappMessage {
  constructor(
    private gateway: WhatsAppGateway,
    private events: BusinessEvents,
    private botControl: BotControl
  ) {}

  async handle(params: SendWhatsappMessageParams): Promise<Message> {
    const { business } = params
    const instance = await WhatsappInstance.findBy('business_id', business.id)
    if (!instance || instance.status !== 'open') {
      throw new UserError('whatsapp.errors.not_connected', { status: 409 })
    }

    let takenOver: Conversation | null = null
    const message = await db.transaction(async (trx) => {
      let conversation = params.conversation
      if (!conversation) {
        const phone = normalizePhone(params.phone ?? '')
        if (!phone) {
          throw new UserError('whatsapp.errors.invalid_phone', { field: 'phone' })
        }
        conversation = await findOrCreateConversation(trx, {
          businessId: business.id,
          chat: { jid: phoneJid(phone), phone, lid: null },
          pushName: null,
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
          mediaMime: params.media?.mimetype ?? null,
          mediaName: params.media?.fileName ?? null,
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
    return this.deliver(instance, message, params.media)
  }

  /**
   * Sends a logged message (a first attempt or a retry of a failed one).
   */
  async deliver(
    instance: WhatsappInstance,
    message: Message,
    media?: SendWhatsappMessageParams['media']
  ): Promise<Message> {
    const conversation = await message.related('conversation').query().firstOrFail()
    const contact = await Contact.findOrFail(conversation.contactId)

    try {
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
      message.status = 'failed'
      message.error =
        error instanceof GatewayUnavailableError
          ? 'gateway_unavailable'
          : error.reason === 'not_on_whatsapp'
            ? 'not_on_whatsapp'
            : `rejected: ${error.message}`.slice(0, 500)
      await message.save()
    }

    await this.#broadcast(message.businessId, message, 'message.updated')
    return message
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
