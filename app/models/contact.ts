import { ContactSchema } from '#database/schema'
import { belongsTo, hasMany } from '@adonisjs/lucid/orm'
import type { BelongsTo, HasMany } from '@adonisjs/lucid/types/relations'
import Business from '#models/business'
import Conversation from '#models/conversation'
import { phoneJid } from '#services/whatsapp/jid'

export default class Contact extends ContactSchema {
  @belongsTo(() => Business)
  declare business: BelongsTo<typeof Business>

  @hasMany(() => Conversation)
  declare conversations: HasMany<typeof Conversation>

  /**
   * The customer a conversation is with, in one query (without reading
   * the conversation first).
   */
  static ofConversation(conversationId: string) {
    return Contact.query()
      .whereIn('id', (query) =>
        query.from('conversations').select('contact_id').where('id', conversationId)
      )
      .firstOrFail()
  }

  /**
   * Where read receipts go: the phone JID when we know the phone (the
   * gateway silently skips @lid JIDs when marking messages read), else the
   * JID replies go to.
   */
  readReceiptJid() {
    return this.phone ? phoneJid(this.phone) : this.waJid
  }

  /**
   * The name to show: the one the owner gave, else the WhatsApp profile
   * name, else the phone number.
   */
  get displayName() {
    return this.name || this.pushName || (this.phone ? `+${this.phone}` : this.waJid)
  }
}
