import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The inbox reads (see app/services/inbox/inbox_queries.ts), kept fast for
 * a business with 10,000 conversations and 1,000,000 messages:
 *
 * - the conversation list is keyset-paginated on (last_message_at, id),
 *   newest first, with one index per view: every conversation, and the
 *   work queues (needs a person, bot paused, unread) and resolved ones as
 *   partial indexes, so a small queue is never found by walking them all;
 * - the unread total reads the unread partial index, never the table;
 * - a conversation's history is keyset-paginated on (sent_at, id);
 * - search matches unaccented, lower-cased text with trigrams: the
 *   contact's name, WhatsApp name and phone, and message bodies.
 *
 * The two indexes they replace were prefixes of the new ones.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    this.schema.raw('CREATE EXTENSION IF NOT EXISTS unaccent')

    this.schema.raw(
      `CREATE INDEX conversations_inbox_index
       ON conversations (business_id, last_message_at DESC, id DESC)
       WHERE last_message_at IS NOT NULL`
    )
    this.schema.raw(
      `CREATE INDEX conversations_inbox_needs_human_index
       ON conversations (business_id, last_message_at DESC, id DESC)
       WHERE last_message_at IS NOT NULL AND status = 'open' AND needs_human`
    )
    this.schema.raw(
      `CREATE INDEX conversations_inbox_paused_index
       ON conversations (business_id, last_message_at DESC, id DESC)
       WHERE last_message_at IS NOT NULL AND status = 'open'
         AND NOT needs_human AND (NOT bot_enabled OR bot_paused_until IS NOT NULL)`
    )
    this.schema.raw(
      `CREATE INDEX conversations_inbox_unread_index
       ON conversations (business_id, last_message_at DESC, id DESC) INCLUDE (unread_count)
       WHERE last_message_at IS NOT NULL AND status = 'open' AND unread_count > 0`
    )
    this.schema.raw(
      `CREATE INDEX conversations_inbox_resolved_index
       ON conversations (business_id, last_message_at DESC, id DESC)
       WHERE last_message_at IS NOT NULL AND status = 'resolved'`
    )
    this.schema.raw('DROP INDEX IF EXISTS conversations_business_id_last_message_at_index')

    this.schema.raw(
      `CREATE INDEX messages_history_index ON messages (conversation_id, sent_at DESC, id DESC)`
    )
    this.schema.raw('DROP INDEX IF EXISTS messages_conversation_id_sent_at_index')

    this.schema.raw(
      `CREATE INDEX contacts_search_index ON contacts USING gin (
         lower(atiende_unaccent(coalesce(name, '') || ' ' || coalesce(push_name, '') || ' ' || coalesce(phone, '')))
         gin_trgm_ops
       )`
    )
    this.schema.raw(
      `CREATE INDEX messages_body_search_index
       ON messages USING gin (lower(atiende_unaccent(body)) gin_trgm_ops)`
    )
  }

  async down() {
    this.schema.raw('DROP INDEX IF EXISTS messages_body_search_index')
    this.schema.raw('DROP INDEX IF EXISTS contacts_search_index')
    this.schema.raw(
      'CREATE INDEX IF NOT EXISTS messages_conversation_id_sent_at_index ON messages (conversation_id, sent_at)'
    )
    this.schema.raw('DROP INDEX IF EXISTS messages_history_index')
    this.schema.raw(
      'CREATE INDEX IF NOT EXISTS conversations_business_id_last_message_at_index ON conversations (business_id, last_message_at)'
    )
    this.schema.raw('DROP INDEX IF EXISTS conversations_inbox_resolved_index')
    this.schema.raw('DROP INDEX IF EXISTS conversations_inbox_unread_index')
    this.schema.raw('DROP INDEX IF EXISTS conversations_inbox_paused_index')
    this.schema.raw('DROP INDEX IF EXISTS conversations_inbox_needs_human_index')
    this.schema.raw('DROP INDEX IF EXISTS conversations_inbox_index')
  }
}
