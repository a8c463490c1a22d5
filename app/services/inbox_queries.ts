import db from '@adonisjs/lucid/services/db'
import type { ModelQueryBuilderContract } from '@adonisjs/lucid/types/model'
import Business from '#models/business'
import type User from '#models/user'
import Conversation from '#models/conversation'
import type Contact from '#models/contact'
import { cursorTimestampSql, encodeCursor, type KeysetCursor } from '#services/keyset_cursor'
import { equivalentDigits, toWhatsappDigits } from '#services/whatsapp/phone_numbers'

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
 * Message search: how many matching messages the first look reads, and
 * how many different conversations among them make a text "spread".
 */
const SEARCH_PROBE = 2000
const SEARCH_SPREAD = 100

/**
 * How many conversations a search that checks them one by one looks at
 * per page.
 */
const SEARCH_STRETCH = 400

/**
 * The unaccented, lower-cased text the trigram indexes hold (see the
 * inbox indexes migration). A query must use the same expression for the
 * index to serve it.
 */
const CONTACT_SEARCH_SQL = `lower(atiende_unaccent(coalesce(contacts.name, '') || ' ' || coalesce(contacts.push_name, '') || ' ' || coalesce(contacts.phone, '')))`
const BODY_SEARCH_SQL = 'lower(atiende_unaccent(messages.body))'
/**
 * A voice note is found by its words.
 */
const TRANSCRIPT_SEARCH_SQL = 'lower(atiende_unaccent(messages.transcript))'

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
   * page. A search for a common text may answer fewer rows than the limit
   * with a `nextCursor`: it looked at a bounded stretch of the list, and
   * the next page goes on from there.
   */
  async conversations(business: Business, options: ConversationListOptions = {}) {
    const limit = Math.min(Math.max(options.limit ?? CONVERSATIONS_PER_PAGE, 1), 100)
    const listed = () => {
      const query = business
        .related('conversations')
        .query()
        .whereNotNull('conversations.last_message_at')
        .orderBy('conversations.last_message_at', 'desc')
        .orderBy('conversations.id', 'desc')
      this.#view(query, options.filter ?? 'all')
      if (options.status && options.status !== 'all') {
        query.where('conversations.status', options.status)
      }
      if (options.cursor) {
        query.whereRaw(
          '(conversations.last_message_at, conversations.id) < (?::timestamptz, ?::uuid)',
          [options.cursor.at, options.cursor.id]
        )
      }
      return query
    }

    const query = listed()
      .select('conversations.*')
      .select(db.raw(`${cursorTimestampSql('conversations.last_message_at')} AS cursor_at`))
      .preload('contact')
      .limit(limit + 1)

    let stretchEnd: KeysetCursor | null = null
    if (options.q) {
      const search = await this.#search(business, options.q)
      query.whereRaw(search.sql, search.bindings)
      if (search.walks) {
        stretchEnd = await this.#stretchEnd(listed())
        if (stretchEnd) {
          query.whereRaw(
            '(conversations.last_message_at, conversations.id) >= (?::timestamptz, ?::uuid)',
            [stretchEnd.at, stretchEnd.id]
          )
        }
      }
    }

    const page = this.#page(await query, limit)
    if (!page.nextCursor && stretchEnd) {
      page.nextCursor = encodeCursor(stretchEnd)
    }
    return page
  }

  /**
   * The last of the next SEARCH_STRETCH conversations of the list (null
   * when fewer are left): a search that checks conversations one by one
   * stops there.
   */
  async #stretchEnd(listed: ConversationQuery): Promise<KeysetCursor | null> {
    const stretch = listed
      .select('conversations.id', 'conversations.last_message_at')
      .limit(SEARCH_STRETCH)
      .as('stretch')
    const [last] = await db
      .from(stretch)
      .select(
        'id',
        db.raw(`${cursorTimestampSql('last_message_at')} AS cursor_at`),
        db.raw('count(*) OVER () AS total')
      )
      .orderBy('last_message_at', 'asc')
      .orderBy('id', 'asc')
      .limit(1)
    return last && Number(last.total) === SEARCH_STRETCH
      ? { at: last.cursor_at, id: last.id }
      : null
  }

  /**
   * A conversation of the business, with its contact, or a 404.
   */
  async conversation(business: Business, id: string) {
    return business
      .related('conversations')
      .query()
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
      .withScopes((scopes) => scopes.ofMember(user))
      .where('id', id)
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
    const query = conversation
      .related('messages')
      .query()
      .select('messages.*')
      .select(db.raw(`${cursorTimestampSql('messages.sent_at')} AS cursor_at`))
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
    const [row] = await Business.reference(contact.businessId)
      .related('conversations')
      .query()
      .where('contact_id', contact.id)
      .count('* as total')
    return Number(row.$extras.total)
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
   * spacing ("55 1234" finds 5215512345678); a whole number, as a person
   * types it in the business's country, also finds every form its phone
   * may be stored in ("+52 55 1234 5678" finds 5215512345678, "011 15
   * 1234-5678" finds 5491112345678).
   */
  async #search(business: Business, q: string) {
    const businessId = business.id
    const term = q.trim()
    const pattern = `%${escapeLike(term)}%`
    const digits = term.replace(/\D/g, '')
    const looksLikePhone = /^[\d\s+().-]+$/.test(term) && digits.length >= 3
    const typedPhone = looksLikePhone ? toWhatsappDigits(term, business.country).digits : null

    const contactPattern = looksLikePhone ? `%${digits}%` : pattern
    const contactBindings = typedPhone
      ? [contactPattern, `{${equivalentDigits(typedPhone).join(',')}}`]
      : [contactPattern]
    const phoneMatch = typedPhone ? ' OR contacts.phone = ANY(?::text[])' : ''
    const contactMatch = `(${CONTACT_SEARCH_SQL} LIKE lower(atiende_unaccent(?))${phoneMatch})`
    const contacts = await this.#matches(
      `SELECT contacts.id AS id FROM contacts WHERE contacts.business_id = ? AND ${contactMatch}`,
      [businessId, ...contactBindings]
    )

    const bodyMatch = `(${BODY_SEARCH_SQL} LIKE lower(atiende_unaccent(?))
      OR ${TRANSCRIPT_SEARCH_SQL} LIKE lower(atiende_unaccent(?)))`
    const messages =
      foldForSearch(term).length >= MIN_MESSAGE_SEARCH_LENGTH
        ? await this.#matches(
            `SELECT messages.conversation_id AS id FROM messages
             WHERE messages.business_id = ? AND ${bodyMatch}`,
            [businessId, pattern, pattern]
          )
        : []

    const clauses: string[] = []
    const bindings: string[] = []
    /**
     * The walks repeat the match without the indexed expression (`|| ''`),
     * so that each conversation is checked on its own rows: matched with
     * the trigram index, PostgreSQL would rebuild the whole bitmap for
     * every conversation of the walk.
     */
    if (contacts === 'walk') {
      clauses.push(
        `(SELECT 1 FROM contacts WHERE contacts.id = conversations.contact_id
          AND ((${CONTACT_SEARCH_SQL} || '') LIKE lower(atiende_unaccent(?))${phoneMatch})) IS NOT NULL`
      )
      bindings.push(...contactBindings)
    } else if (contacts.length > 0) {
      clauses.push('conversations.contact_id = ANY(?::uuid[])')
      bindings.push(`{${contacts.join(',')}}`)
    }
    if (messages === 'walk') {
      clauses.push(
        `(SELECT 1 FROM messages WHERE messages.conversation_id = conversations.id
          AND ((${BODY_SEARCH_SQL} || '') LIKE lower(atiende_unaccent(?))
            OR (${TRANSCRIPT_SEARCH_SQL} || '') LIKE lower(atiende_unaccent(?))) LIMIT 1) IS NOT NULL`
      )
      bindings.push(pattern, pattern)
    } else if (messages.length > 0) {
      clauses.push('conversations.id = ANY(?::uuid[])')
      bindings.push(`{${messages.join(',')}}`)
    }
    return {
      sql: clauses.length > 0 ? `(${clauses.join(' OR ')})` : 'false',
      bindings,
      walks: contacts === 'walk' || messages === 'walk',
    }
  }

  /**
   * The ids a search matches (contacts, or the conversations of matching
   * messages), from a first look at the trigram index that stops after
   * SEARCH_PROBE rows:
   * - a rare text: that look found every match, so the ids are known;
   * - a common text spread over many conversations ("envío"): 'walk' —
   *   go down the list in order checking each conversation (one index
   *   lookup each), which stops as soon as the page is full, and it fills
   *   fast because most conversations match;
   * - a common text in a few conversations: every match, from the index.
   * The work is bounded by the page, not by the million messages a busy
   * business has.
   */
  async #matches(sql: string, bindings: string[]): Promise<string[] | 'walk'> {
    const probe = await db.rawQuery(`${sql} LIMIT ${SEARCH_PROBE}`, bindings)
    const ids = new Set<string>(probe.rows.map((row: { id: string }) => row.id))
    if (probe.rows.length < SEARCH_PROBE) {
      return [...ids]
    }
    if (ids.size >= SEARCH_SPREAD) {
      return 'walk'
    }
    const all = await db.rawQuery(`SELECT DISTINCT id FROM (${sql}) AS matches`, bindings)
    return all.rows.map((row: { id: string }) => row.id)
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
