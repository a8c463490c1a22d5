import { inject } from '@adonisjs/core'
import db from '@adonisjs/lucid/services/db'
import type Conversation from '#models/conversation'
import type { ConversationStatus } from '#models/conversation'
import BotControl from '#actions/conversations/bot_control'
import UserError from '#exceptions/user_error'

export type UpdateConversationParams = {
  conversation: Conversation
  /**
   * true: "Devolver al bot" (also ends a person's takeover pause and a
   * handoff); false: the bot stays out of this conversation until turned
   * back on.
   */
  botEnabled?: boolean
  status?: ConversationStatus
}

/**
 * The inbox's controls on one conversation: resolve or reopen it, pause
 * the bot there or hand it back. Every member of the business sees the
 * change live.
 */
@inject()
export default class UpdateConversation {
  constructor(private botControl: BotControl) {}

  async handle({ conversation, botEnabled, status }: UpdateConversationParams) {
    if (botEnabled === undefined && status === undefined) {
      throw new UserError('inbox.errors.nothing_to_update')
    }
    if (status && status !== conversation.status) {
      await this.#setStatus(conversation, status)
    }

    if (botEnabled === true) {
      await this.botControl.handBack(conversation)
    } else if (botEnabled === false && conversation.botEnabled) {
      await this.botControl.setEnabled(conversation, false)
    } else {
      this.botControl.changed(conversation)
    }
    return conversation
  }

  /**
   * A contact has one open conversation at most (a unique index): reopening
   * an old one while another is open is refused with an explanation.
   */
  async #setStatus(conversation: Conversation, status: ConversationStatus) {
    const previous = conversation.status
    conversation.status = status
    try {
      await db.transaction(async (trx) => {
        conversation.useTransaction(trx)
        await conversation.save()
      })
    } catch (error) {
      conversation.status = previous
      if ((error as { code?: string }).code === '23505') {
        throw new UserError('inbox.errors.already_open', { status: 409 })
      }
      throw error
    }
  }
}
