import { MessageSchema } from '#database/schema'
import { belongsTo } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import Conversation from '#models/conversation'

export type MessageDirection = 'inbound' | 'outbound'
export type MessageAuthor = 'customer' | 'bot' | 'human'
export type MessageType =
  | 'text'
  | 'image'
  | 'audio'
  | 'video'
  | 'document'
  | 'sticker'
  | 'location'
  | 'contact'
  | 'reaction'
  | 'unsupported'
/**
 * `queued`: waiting for the WhatsApp gateway to come back (the outbound
 * queue sends it).
 */
export type MessageStatus =
  'received' | 'pending' | 'queued' | 'sent' | 'delivered' | 'read' | 'failed'

/**
 * Every message of a conversation, both ways (the message log).
 */
export default class Message extends MessageSchema {
  declare direction: MessageDirection
  declare author: MessageAuthor
  declare type: MessageType
  declare status: MessageStatus
  declare meta: Record<string, unknown> | null

  @belongsTo(() => Conversation)
  declare conversation: BelongsTo<typeof Conversation>
}
