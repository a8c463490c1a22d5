import { inject } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import type Conversation from '#models/conversation'
import Business from '#models/business'
import BotControl from '#actions/conversations/bot_control'
import { WhatsAppGateway } from '#services/whatsapp/whatsapp_gateway'
import { GatewayRejectedError, GatewayUnavailableError } from '#services/whatsapp/gateway_errors'

/**
 * How many of the customer's latest messages get blue ticks at most.
 */
const MARK_ON_WHATSAPP_MAX = 50

/**
 * A person opened the conversation: nothing in it is unread any more, for
 * every member of the business (live), and the customer sees their
 * messages as read on WhatsApp.
 */
@inject()
export default class MarkConversationRead {
  constructor(
    private gateway: WhatsAppGateway,
    private botControl: BotControl
  ) {}

  async handle(conversation: Conversation) {
    const unread = conversation.unreadCount
    if (unread === 0) {
      return conversation
    }

    conversation.unreadCount = 0
    await conversation.save()
    this.botControl.changed(conversation)

    await this.#markOnWhatsapp(conversation, unread)
    return conversation
  }

  /**
   * Blue ticks are a courtesy: a gateway that is down or refuses is
   * logged, never an error for the person reading.
   */
  async #markOnWhatsapp(conversation: Conversation, unread: number) {
    const instance = await Business.reference(conversation.businessId).whatsapp()
    /**
     * Only while open: reconnecting, the gateway would refuse them, and
     * blue ticks are not worth queueing.
     */
    if (!instance || instance.status !== 'open') {
      return
    }
    const contact = await conversation.related('contact').query().firstOrFail()
    const messages = await conversation
      .related('messages')
      .query()
      .where('direction', 'inbound')
      .whereNotNull('gateway_message_id')
      .orderBy('sent_at', 'desc')
      .orderBy('id', 'desc')
      .limit(Math.min(unread, MARK_ON_WHATSAPP_MAX))
      .select('gateway_message_id')
    if (messages.length === 0) {
      return
    }

    try {
      await this.gateway.markRead(
        instance.credentials(),
        messages.map((message) => ({
          remoteJid: contact.readReceiptJid(),
          id: message.gatewayMessageId!,
          fromMe: false,
        }))
      )
    } catch (error) {
      if (!(error instanceof GatewayUnavailableError || error instanceof GatewayRejectedError)) {
        throw error
      }
      logger.warn(
        { businessId: conversation.businessId, conversationId: conversation.id },
        'could not mark messages read on WhatsApp: %s',
        error.message
      )
    }
  }
}
