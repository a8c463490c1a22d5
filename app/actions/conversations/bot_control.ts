import { DateTime } from 'luxon'
import type Business from '#models/business'
import type Conversation from '#models/conversation'
import { BusinessEvents } from '#services/business_events'
import { inject } from '@adonisjs/core'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'

/**
 * Who answers a conversation: the bot, or a person who took over.
 */
@inject()
export default class BotControl {
  constructor(private events: BusinessEvents) {}

  /**
   * A person wrote (from the inbox or the paired phone): the bot stays
   * quiet here for the business's takeover window.
   */
  async takeOver(business: Business, conversation: Conversation, trx?: TransactionClientContract) {
    if (trx) conversation.useTransaction(trx)
    const until = DateTime.now().plus({ minutes: business.takeoverMinutes })
    if (!conversation.botPausedUntil || conversation.botPausedUntil < until) {
      conversation.botPausedUntil = until
    }
    await conversation.save()
    if (!trx) this.changed(conversation)
  }

  /**
   * The owner switches the bot off (or on) for this conversation only.
   */
  async setEnabled(conversation: Conversation, enabled: boolean) {
    conversation.botEnabled = enabled
    if (enabled) {
      conversation.botPausedUntil = null
      conversation.needsHuman = false
      conversation.handoffReason = null
    }
    await conversation.save()
    this.changed(conversation)
  }

  /**
   * "Devolver al bot": the person is done, the bot answers again.
   */
  async handBack(conversation: Conversation) {
    await this.setEnabled(conversation, true)
  }

  /**
   * The bot asks for a person (the handoff tool, a provider failure).
   */
  async needHuman(conversation: Conversation, reason: string, trx?: TransactionClientContract) {
    if (trx) conversation.useTransaction(trx)
    conversation.needsHuman = true
    conversation.handoffReason = reason.slice(0, 500)
    await conversation.save()
    /**
     * Inside a transaction, the caller tells the inbox once it commits.
     */
    if (!trx) this.changed(conversation)
  }

  changed(conversation: Conversation) {
    this.events.broadcast(conversation.businessId, {
      type: 'conversation.updated',
      conversation: {
        id: conversation.id,
        botEnabled: conversation.botEnabled,
        botPausedUntil: conversation.botPausedUntil?.toISO() ?? null,
        needsHuman: conversation.needsHuman,
        handoffReason: conversation.handoffReason,
        status: conversation.status,
        unreadCount: conversation.unreadCount,
      },
    })
  }
}
