import { ConversationSchema } from '#database/schema'
import { belongsTo, hasMany } from '@adonisjs/lucid/orm'
import type { BelongsTo, HasMany } from '@adonisjs/lucid/types/relations'
import { DateTime } from 'luxon'
import Business from '#models/business'
import Contact from '#models/contact'
import Message from '#models/message'

export type ConversationStatus = 'open' | 'resolved'

export type BotState = {
  state: 'on' | 'paused_until' | 'paused' | 'needs_human' | 'off_business'
  until: DateTime | null
}

export default class Conversation extends ConversationSchema {
  declare status: ConversationStatus

  @belongsTo(() => Business)
  declare business: BelongsTo<typeof Business>

  @belongsTo(() => Contact)
  declare contact: BelongsTo<typeof Contact>

  @hasMany(() => Message)
  declare messages: HasMany<typeof Message>

  /**
   * The list shows each conversation's latest message: when, a one-line
   * preview and which way it went. A customer's message counts as unread.
   * The webhook's one-statement path (IngestGatewayEvents
   * #appendToOpenConversation) does the same in SQL: keep the two in step.
   */
  noteLastMessage(message: { at: DateTime; text: string; direction: 'inbound' | 'outbound' }) {
    this.lastMessageAt = message.at
    this.lastMessagePreview = Conversation.preview(message.text)
    this.lastMessageDirection = message.direction
    if (message.direction === 'inbound') {
      this.unreadCount += 1
    }
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
   * What the bot does in this conversation, the first reason winning:
   * off for the whole business, waiting for a person (handoff), switched
   * off here, paused after a person wrote (until a time), or on.
   */
  botState(business: { botEnabled: boolean }, now = DateTime.now()): BotState {
    if (!business.botEnabled) return { state: 'off_business', until: null }
    if (this.needsHuman) return { state: 'needs_human', until: null }
    if (!this.botEnabled) return { state: 'paused', until: null }
    if (this.isBotPaused(now)) return { state: 'paused_until', until: this.botPausedUntil }
    return { state: 'on', until: null }
  }
}
