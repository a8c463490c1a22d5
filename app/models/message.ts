import { MessageSchema } from '#database/schema'
import { belongsTo, column } from '@adonisjs/lucid/orm'
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
  | 'unsupported'
/**
 * `queued`: waiting for the WhatsApp gateway to come back (the outbound
 * queue sends it). An outbound message being sent is still `pending` (or
 * `queued`) with `sendingAt` set: the claim of the worker sending it
 * (SendWhatsappMessage#deliver), until the gateway's id is recorded.
 */
export type MessageStatus =
  'received' | 'pending' | 'queued' | 'sent' | 'delivered' | 'read' | 'failed'

/**
 * Media only: `downloading` while a job fetches bytes the gateway did not
 * inline, `unavailable` when it gave up (a person may retry), `too_large`
 * over our cap (the message and caption are kept without the file).
 */
export type MediaStatus = 'downloading' | 'ready' | 'unavailable' | 'too_large'

/**
 * A text the message had before an edit, and when it was written.
 */
export type MessageEdit = { text: string | null; at: string }

/**
 * The latest reaction of one side (the customer's, or the business's).
 */
export type MessageReaction = { emoji: string; fromMe: boolean; at: string }

/**
 * Every message of a conversation, both ways (the message log).
 */
export default class Message extends MessageSchema {
  declare direction: MessageDirection
  declare author: MessageAuthor
  declare type: MessageType
  declare status: MessageStatus
  declare meta: Record<string, unknown> | null
  declare mediaStatus: MediaStatus | null
  declare mediaSource: Record<string, unknown> | null
  /**
   * JSON arrays: written as JSON text (pg would write a JS array as a
   * PostgreSQL array literal).
   */
  @column({ prepare: jsonArray })
  declare edits: MessageEdit[] | null

  @column({ prepare: jsonArray })
  declare reactions: MessageReaction[] | null

  @belongsTo(() => Conversation)
  declare conversation: BelongsTo<typeof Conversation>
}

/**
 * The table's columns, for SQL written by hand (`RETURNING`, `SELECT`):
 * named, never `*`. A named prepared statement that returns `*` fails
 * ("cached plan must not change result type") on every process still
 * running when a migration adds a column: during a rolling deploy, the old
 * replicas. A list of names keeps its result type.
 */
export function messageColumnsSql() {
  columnsSql ??= [...Message.$columnsDefinitions.values()]
    .map((definition) => definition.columnName)
    .join(', ')
  return columnsSql
}

let columnsSql: string | undefined

function jsonArray(value: unknown[] | null) {
  return value === null ? null : JSON.stringify(value)
}
