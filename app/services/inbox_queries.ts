import db from '@adonisjs/lucid/services/db'
import type { ModelQueryBuilderContract } from '@adonisjs/lucid/types/model'
import type Business from '#models/business'
import type User from '#models/user'
import Conversation from '#models/conversation'
import Message from '#models/message'
import type Contact from '#models/contact'
import { cursorTimestampSql, encodeCursor, type KeysetCursor } from '#services/keyset_cursor'

export const INBOX_FILTERS = ['all', 'needs_human', 'bot_paused', 'unread', 'resolved'] as const
export type InboxFilter = (typeof INBOX_FILTERS)[number]

export const INBOX_STATUSES = ['all', 'open', 'resolved'] as const
export type InboxStatus = (typeof INBOX_STATUSES)[number]

export const CONVERSATIONS_PER_PAGE = 30
export const MESSAGES_PER_PAGE = 50

/**
 * Searches shorter than this match contacts only: message bodies are
 * searched by trigrams, and fewer than three letters have none.
 */
export const MIN_MESSAGE_SEARCH_LENGTH = 3

/**
 * The unaccented, lower-cased text the trigram indexes hold (see the
 * inbox indexes migration). A query must use the same expression for the
 * index to serve it.
 */
const CONTACT_SEARCH_SQL = `lower(atiende_unaccent(coalesce(contacts.name, '') || ' ' || coalesce(contacts.push_name, '') || ' ' || coalesce(contacts.phone, '')))`
const BODY_SEARCH_SQL = 'lower(atiende_unaccent(messages.body))'

export type ConversationListOptions = {
  filter?: InboxFilter
  status?: InboxStatus
  q?: string
  cursor?: KeysetCursor
  limit?: number
}

type ConversationQuery = ModelQueryBuilderContract<typeof Conversation>

/**
 * What the inbox reads: conversation lists (views, search), one
 * conversation, its history, and the unread totals. Every list is keyset
 * paginated on an index (never OFFSET) and every count reads a small
 * partial index, so a business with a million messages opens as fast as a
 * new one.
 */
export default class InboxQueries {
  /**
   * One page of conversations, newest activity first, with their contacts
   * (one more query for the whole page). `nextCursor` is null on the last
   * page.
   */
  async conversations(business: Business, options: ConversationListOptions = {}) {
    const limit = Math.min(Math.max(options.limit ?? CONVERSATIONS_PER_PAGE, 1), 100)
    const query = Conversation.query()
      .select('conversations.*')
      .select(db.raw(`${cursorTimestampSql('conversations.last_message_at')} AS cursor_at`))
      .where('conversations.business_id', business.id)
      .whereNotNull('conversations.last_message_at')
      .preload('contact')
      .orderBy('conversations.last_message_at', 'desc')
      .orderBy('conversations.id', 'desc')
      .limit(limit + 1)

    this.#view(query, options.filter ?? 'all')
    if (options.status && options.status !== 'all') {
      query.where('conversations.status', options.status)
    }
    if (options.q) {
      this.#search(query, business.id, options.q)
    }
    if (options.cursor) {
      query.whereRaw(
        '(conversations.last_message_at, conversations.id) < (?::timestamptz, ?::uuid)',
        [options.cursor.at, options.cursor.id]
      )
    }

    return this.#page(await query, limit)
  }

  /**
   * A conversation of the business, with its contact, or a 404.
   */
  async conversation(business: Business, id: string) {
    return Conversation.query()
      .where('business_id', business.id)
      .where('id', id)
      .preload('contact')
      .firstOrFail()
  }

  /**
   * A conversation in any of the user's businesses, with that business (and
   * the user's role in it), or a 404: another tenant's id and a missing one
   * look the same.
   */
  async conversationForUser(user: User, id: string) {
    const conversation = await Conversation.query()
      .where('id', id)
      .whereIn('business_id', (memberships) =>
        memberships.from('business_members').select('business_id').where('user_id', user.id)
      )
      .preload('contact')
      .firstOrFail()
    const business = await user.findBusinessOrFail(conversation.businessId)
    return { conversation, business }
  }

  /**
   * One page of a conversation's history going back in time: the newest
   * messages before `before` (or the newest of all), answered oldest first
   * as a chat shows them. `nextCursor` points further back.
   */
  async messages(
    conversation: Conversation,
    options: { before?: KeysetCursor; limit?: number } = {}
  ) {
    const limit = Math.min(Math.max(options.limit ?? MESSAGES_PER_PAGE, 1), 200)
    const query = Message.query()
      .select('messages.*')
      .select(db.raw(`${cursorTimestampSql('messages.sent_at')} AS cursor_at`))
      .where('messages.conversation_id', conversation.id)
      .orderBy('messages.sent_at', 'desc')
      .orderBy('messages.id', 'desc')
      .limit(limit + 1)
    if (options.before) {
      query.whereRaw('(messages.sent_at, messages.id) < (?::timestamptz, ?::uuid)', [
        options.before.at,
        options.before.id,
      ])
    }

    const { rows, nextCursor } = this.#page(await query, limit)
    return { rows: rows.reverse(), nextCursor }
  }

  /**
   * What the tab title, the nav and the views' badges show. Each number
   * reads one partial index.
   */
  async summary(business: Business) {
    const result = await db.rawQuery(
      `SELECT
         (SELECT count(*) FROM conversations
           WHERE business_id = :id AND last_message_at IS NOT NULL
             AND status = 'open' AND unread_count > 0) AS unread_conversations,
         (SELECT coalesce(sum(unread_count), 0) FROM conversations
           WHERE business_id = :id AND last_message_at IS NOT NULL
             AND status = 'open' AND unread_count > 0) AS unread_messages,
         (SELECT count(*) FROM conversations
           WHERE business_id = :id AND last_message_at IS NOT NULL
             AND status = 'open' AND needs_human) AS needs_human`,
      { id: business.id }
    )
    const row = result.rows[0]
    return {
      unreadConversations: Number(row.unread_conversations),
      unreadMessages: Number(row.unread_messages),
      needsHuman: Number(row.needs_human),
    }
  }

  /**
   * How many conversations the contact has had (the contact panel).
   */
  async conversationCount(contact: Contact) {
    const [row] = await db
      .from('conversations')
      .where('business_id', contact.businessId)
      .where('contact_id', contact.id)
      .count('* as total')
    return Number(row.total)
  }

  /**
   * The views. Each one repeats its partial index's predicate word for word
   * so the planner picks that index; the work queues only hold open
   * conversations.
   */
  #view(query: ConversationQuery, filter: InboxFilter) {
    switch (filter) {
      case 'needs_human':
        query.whereRaw(`conversations.status = 'open'`).whereRaw('conversations.needs_human')
        break
      case 'bot_paused':
        query
          .whereRaw(`conversations.status = 'open'`)
          .whereRaw('NOT conversations.needs_human')
          .whereRaw('(NOT conversations.bot_enabled OR conversations.bot_paused_until IS NOT NULL)')
          .whereRaw('(NOT conversations.bot_enabled OR conversations.bot_paused_until > now())')
        break
      case 'unread':
        query.whereRaw(`conversations.status = 'open'`).whereRaw('conversations.unread_count > 0')
        break
      case 'resolved':
        query.whereRaw(`conversations.status = 'resolved'`)
        break
      case 'all':
        break
    }
  }

  /**
   * Conversations whose contact (name, WhatsApp name, phone) or any
   * message contains the words, ignoring accents and letter case. A query
   * that looks like a phone number matches the digits, whatever the
   * spacing ("+52 55 1234" finds 525512345678).
   */
  #search(query: ConversationQuery, businessId: string, q: string) {
    const term = q.trim()
    const pattern = `%${escapeLike(term)}%`
    const digits = term.replace(/\D/g, '')
    const looksLikePhone = /^[\d\s+().-]+$/.test(term) && digits.length >= 3
    const searchMessages = foldForSearch(term).length >= MIN_MESSAGE_SEARCH_LENGTH

    query.where((matches) => {
      matches.whereIn('conversations.contact_id', (contacts) =>
        contacts
          .from('contacts')
          .select('contacts.id')
          .where('contacts.business_id', businessId)
          .whereRaw(`${CONTACT_SEARCH_SQL} LIKE lower(atiende_unaccent(?))`, [
            looksLikePhone ? `%${digits}%` : pattern,
          ])
      )
      if (searchMessages) {
        matches.orWhereIn('conversations.id', (messages) =>
          messages
            .from('messages')
            .select('messages.conversation_id')
            .where('messages.business_id', businessId)
            .whereRaw(`${BODY_SEARCH_SQL} LIKE lower(atiende_unaccent(?))`, [pattern])
        )
      }
    })
  }

  /**
   * Rows were fetched one past the page: that extra row says there is a
   * next page, and the last row shown is where it starts.
   */
  #page<Row extends { id: string; $extras: Record<string, any> }>(rows: Row[], limit: number) {
    const hasMore = rows.length > limit
    const page = hasMore ? rows.slice(0, limit) : rows
    const last = page[page.length - 1]
    return {
      rows: page,
      nextCursor:
        hasMore && last ? encodeCursor({ at: last.$extras.cursor_at, id: last.id }) : null,
    }
  }
}

/**
 * LIKE's wildcards typed by a person are plain characters.
 */
function escapeLike(value: string) {
  return value.replace(/[\\%_]/g, (char) => `\\${char}`)
}

/**
 * Roughly what atiende_unaccent + lower make of a text, to count its
 * letters before going to the database.
 */
function foldForSearch(value: string) {
  return value
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .trim()
}
