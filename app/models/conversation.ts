import { ConversationSchema } from '#database/schema'
import { belongsTo, hasMany } from '@adonisjs/lucid/orm'
import type { BelongsTo, HasMany } from '@adonisjs/lucid/types/relations'
import { DateTime } from 'luxon'
import Business from '#models/business'
import Contact from '#models/contact'
import Message from '#models/message'

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
   * Whether a person took over and the pause has not ended yet.
   */
  isBotPaused(now = DateTime.now()) {
    return this.botPausedUntil !== null && this.botPausedUntil > now
  }
}
