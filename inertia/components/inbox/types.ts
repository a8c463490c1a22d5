import type { BusinessBotFacts, BusinessBotStatus, ConversationBotState } from '@shared/bot_status'

/**
 * The inbox's data as pages receive it (app/transformers/conversation_
 * transformer.ts, contact_transformer.ts, message_transformer.ts). What
 * the bot does in a conversation is conversationBotState() from
 * @shared/bot_status, recomputed here so a pause ends on screen when its
 * time comes and the business's status shows at once.
 */

export type ContactData = {
  id: string
  name: string | null
  pushName: string | null
  phone: string | null
  displayName: string
  firstSeenAt: string
}

export type ContactDetails = ContactData & { notes: string | null; conversationCount: number }

export type ConversationData = {
  id: string
  status: 'open' | 'resolved'
  unreadCount: number
  lastMessagePreview: string | null
  lastMessageDirection: 'inbound' | 'outbound' | null
  lastMessageAt: string | null
  botEnabled: boolean
  botPausedUntil: string | null
  needsHuman: boolean
  handoffReason: string | null
  bot: ConversationBotState
  contact: ContactData
  createdAt: string
}

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

export type MessageData = {
  id: string
  conversationId: string
  direction: 'inbound' | 'outbound'
  author: 'customer' | 'bot' | 'human'
  type: MessageType
  body: string | null
  mediaMime: string | null
  mediaName: string | null
  status: 'received' | 'pending' | 'queued' | 'sent' | 'delivered' | 'read' | 'failed'
  error: string | null
  gatewayMessageId: string | null
  hasMedia: boolean
  mediaStatus: 'downloading' | 'ready' | 'unavailable' | 'too_large' | null
  meta: Record<string, unknown> | null
  quoted: { gatewayId: string; text: string | null } | null
  editedAt: string | null
  edits: { text: string | null; at: string }[]
  deletedAt: string | null
  reactions: { emoji: string; fromMe: boolean; at: string }[]
  transcript: string | null
  transcriptStatus: 'pending' | 'done' | 'failed' | 'too_long' | 'off' | null
  sentAt: string
}

export type InboxFilter = 'all' | 'needs_human' | 'bot_paused' | 'unread' | 'resolved'

export type InboxSummary = {
  unreadConversations: number
  unreadMessages: number
  needsHuman: number
}

export type Page<T> = { data: T[]; meta: { nextCursor: string | null } }

export type SelectedConversation = {
  conversation: ConversationData
  contact: ContactDetails
  messages: Page<MessageData>
}

export type InboxBusiness = BusinessBotFacts & {
  id: string
  name: string
  botStatus: BusinessBotStatus
  takeoverMinutes: number
  canManage: boolean
}
