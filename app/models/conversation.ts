import { ConversationSchema } from '#database/schema'
import { belongsTo, hasMany, scope } from '@adonisjs/lucid/orm'
import type { BelongsTo, HasMany } from '@adonisjs/lucid/types/relations'
import { DateTime } from 'luxon'
import Business from '#models/business'
import Contact from '#models/contact'
import Message from '#models/message'
import AgentRun from '#models/agent_run'
import type User from '#models/user'
import {
  conversationBotState,
  type BusinessBotStatus,
  type ConversationBotState,
} from '#shared/bot_status'

export type ConversationStatus = 'open' | 'resolved'

export default class Conversation extends ConversationSchema {
  declare status: ConversationStatus

  @belongsTo(() => Business)
  declare business: BelongsTo<typeof Business>

  @belongsTo(() => Contact)
  declare contact: BelongsTo<typeof Contact>

  @hasMany(() => Message)
  declare messages: HasMany<typeof Message>

  /**
   * The agent's turns in this conversation.
   */
  @hasMany(() => AgentRun)
  declare agentRuns: HasMany<typeof AgentRun>

  /**
   * Conversations of the businesses the user is a member of: another
   * tenant's id finds nothing.
   */
  static ofMember = scope((query, user: User) => {
    query.whereIn('business_id', (members) =>
      members.from('business_members').select('business_id').where('user_id', user.id)
    )
  })

  /**
   * The list shows each conversation's latest message: when, a one-line
   * preview and which way it went. A customer's message counts as unread.
   * The webhook's one-statement path (IngestGatewayEvents
   * #appendToOpenConversation) does the same in SQL: keep the two in step.
   *
   * The latest only moves forward: a message older than the one shown (a
   * delivery the gateway retried late) is counted, but does not replace it.
   * At the same time, the one that arrived last wins.
   */
  noteLastMessage(message: { at: DateTime; text: string; direction: 'inbound' | 'outbound' }) {
    if (message.direction === 'inbound') {
      this.unreadCount += 1
    }
    if (this.lastMessageAt && this.lastMessageAt > message.at) return
    this.lastMessageAt = message.at
    this.lastMessagePreview = Conversation.preview(message.text)
    this.lastMessageDirection = message.direction
  }

  /**
   * A message's text as the list shows it: one line, at most 200 characters.
   */
  static preview(text: string) {
    return text.replace(/\s+/g, ' ').slice(0, 200)
  }

  /**
   * Whether a person took over and the pause has not ended yet.
   */
  isBotPaused(now = DateTime.now()) {
    return this.botPausedUntil !== null && this.botPausedUntil > now
  }

  /**
   * What the bot does in this conversation now, given the business's bot
   * status (BotGate.businessStatus): the rule in #shared/bot_status, which
   * pages use too.
   */
  botState(business: BusinessBotStatus, now = DateTime.now()): ConversationBotState {
    return conversationBotState(
      {
        needsHuman: this.needsHuman,
        botEnabled: this.botEnabled,
        botPausedUntil: this.botPausedUntil?.toISO() ?? null,
      },
      business,
      now.toMillis()
    )
  }
}
