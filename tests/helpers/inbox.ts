import { DateTime } from 'luxon'
import type Business from '#models/business'
import Contact from '#models/contact'
import Conversation from '#models/conversation'
import Message, { type MessageAuthor, type MessageStatus, type MessageType } from '#models/message'

let phoneSequence = 0

export type MessageSeed = {
  body: string | null
  direction?: 'inbound' | 'outbound'
  author?: MessageAuthor
  type?: MessageType
  status?: MessageStatus
  error?: string | null
  sentAt?: DateTime
  meta?: Record<string, unknown> | null
  mediaKey?: string | null
  mediaMime?: string | null
  mediaName?: string | null
  gatewayMessageId?: string | null
}

export type ConversationSeed = {
  name?: string | null
  pushName?: string | null
  phone?: string
  notes?: string | null
  status?: 'open' | 'resolved'
  unreadCount?: number
  needsHuman?: boolean
  handoffReason?: string | null
  botEnabled?: boolean
  botPausedUntil?: DateTime | null
  /**
   * When the conversation last moved (default: its last message's time,
   * else now).
   */
  lastMessageAt?: DateTime
  messages?: MessageSeed[]
}

/**
 * A customer with a conversation and its messages, written straight to the
 * database (what the webhook ingest would have stored).
 */
export async function createConversation(business: Business, seed: ConversationSeed = {}) {
  phoneSequence += 1
  const phone = seed.phone ?? `52155${String(10_000_000 + phoneSequence).slice(-8)}`
  const contact = await Contact.create({
    businessId: business.id,
    waJid: `${phone}@s.whatsapp.net`,
    phone,
    pushName: seed.pushName === undefined ? `Cliente ${phoneSequence}` : seed.pushName,
    name: seed.name ?? null,
    notes: seed.notes ?? null,
    firstSeenAt: DateTime.now().minus({ days: 30 }),
  })

  const seeds = seed.messages ?? []
  const base = DateTime.now().minus({ minutes: seeds.length + 1 })
  const times = seeds.map((message, index) => message.sentAt ?? base.plus({ minutes: index }))
  const last = seeds[seeds.length - 1]

  const conversation = await Conversation.create({
    businessId: business.id,
    contactId: contact.id,
    status: seed.status ?? 'open',
    unreadCount: seed.unreadCount ?? 0,
    needsHuman: seed.needsHuman ?? false,
    handoffReason: seed.handoffReason ?? null,
    botEnabled: seed.botEnabled ?? true,
    botPausedUntil: seed.botPausedUntil ?? null,
    lastMessageAt: seed.lastMessageAt ?? times[times.length - 1] ?? DateTime.now(),
    lastMessagePreview: last ? (last.body ?? `[${last.type ?? 'text'}]`) : null,
    lastMessageDirection: last ? (last.direction ?? 'inbound') : null,
  })

  const messages: Message[] = []
  for (const [index, message] of seeds.entries()) {
    const direction = message.direction ?? 'inbound'
    messages.push(
      await Message.create({
        businessId: business.id,
        conversationId: conversation.id,
        direction,
        author: message.author ?? (direction === 'inbound' ? 'customer' : 'bot'),
        type: message.type ?? 'text',
        body: message.body,
        status: message.status ?? (direction === 'inbound' ? 'received' : 'delivered'),
        error: message.error ?? null,
        meta: message.meta ?? null,
        mediaKey: message.mediaKey ?? null,
        mediaMime: message.mediaMime ?? null,
        mediaName: message.mediaName ?? null,
        gatewayMessageId: message.gatewayMessageId ?? null,
        sentAt: times[index],
      })
    )
  }
  return { contact, conversation, messages }
}

/**
 * Many messages in one conversation, one second apart (oldest first).
 */
export async function createLongConversation(business: Business, count: number) {
  const start = DateTime.now().minus({ seconds: count + 10 })
  return createConversation(business, {
    messages: Array.from({ length: count }, (_, index) => ({
      body: `Mensaje ${index + 1}`,
      direction: index % 2 === 0 ? ('inbound' as const) : ('outbound' as const),
      sentAt: start.plus({ seconds: index }),
    })),
  })
}
